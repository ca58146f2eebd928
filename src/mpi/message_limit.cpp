#include "mpi/message_limit.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <string>

namespace rankpool::mpi {

namespace {
constexpr const char* setting = "RANKPOOL_TEST_MESSAGE_LIMIT";

// The setting's value when it is a whole number >= 1.
std::optional<std::int64_t> lowered_limit(const char* text) {
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text, text + std::strlen(text), value);
    if (error != std::errc() || *end != '\0' || value < 1) return std::nullopt;
    return value;
}
}  // namespace

std::int64_t message_limit(std::size_t element_size) {
    constexpr std::int64_t max_int = std::numeric_limits<int>::max();
    std::int64_t limit = max_int / static_cast<std::int64_t>(element_size);  // bytes and int count below 2^31
    if (const char* text = std::getenv(setting))
        if (const auto lowered = lowered_limit(text)) limit = std::min(limit, *lowered);
    return limit;
}

std::optional<std::string> message_limit_setting_problem() {
    const char* text = std::getenv(setting);
    if (text == nullptr || *text == '\0' || lowered_limit(text)) return std::nullopt;
    return std::string(setting) + "='" + text + "' is not a whole number of elements from 1 to " +
           std::to_string(std::numeric_limits<std::int64_t>::max()) +
           "; it is a test-only setting that lowers the elements per MPI message: fix it or unset it";
}

std::int64_t agreed_message_limit(MPI_Comm comm, std::size_t element_size) {
    const std::int64_t mine = message_limit(element_size);
    std::int64_t agreed = mine;
    MPI_Allreduce(&mine, &agreed, 1, MPI_INT64_T, MPI_MIN, comm);
    return agreed;
}

}  // namespace rankpool::mpi
