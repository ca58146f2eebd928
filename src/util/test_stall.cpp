#include "util/test_stall.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace rankpool {

void stall_if_asked(std::string_view phase, int rank) {
    const char* asked = std::getenv("RANKPOOL_TEST_STALL");
    if (!asked || std::string(phase) + ":" + std::to_string(rank) != asked) return;
    std::fprintf(stderr, "rankpool: test stall in %.*s on rank %d\n", static_cast<int>(phase.size()), phase.data(),
                 rank);
    std::fflush(stderr);
    ::sleep(60);  // a signal handler ends the process from here; sleep's end is no error
}

}  // namespace rankpool
