#include "mpi/message_limit.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace rankpool::mpi {

std::int64_t message_limit(std::size_t element_size) {
    constexpr std::int64_t max_int = std::numeric_limits<int>::max();
    std::int64_t limit = std::min<std::int64_t>(max_int, max_int / static_cast<std::int64_t>(element_size));
    if (const char* text = std::getenv("RANKPOOL_TEST_MESSAGE_LIMIT")) {
        std::int64_t lowered = 0;
        const auto [end, error] = std::from_chars(text, text + std::strlen(text), lowered);
        if (error == std::errc() && *end == '\0' && lowered >= 1) limit = std::min(limit, lowered);
    }
    return limit;
}

}  // namespace rankpool::mpi
