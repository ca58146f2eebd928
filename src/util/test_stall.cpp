#include "util/test_stall.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace rankpool {

void stall_if_asked(std::string_view phase, int rank) {
    const char* asked = std::getenv("RANKPOOL_TEST_STALL");
    const std::string here = std::string(phase) + ":" + std::to_string(rank);
    if (!asked || std::string_view(asked).substr(0, here.size()) != here) return;
    const std::string_view rest = std::string_view(asked).substr(here.size());  // "" or ":SECONDS"
    if (!rest.empty() && rest[0] != ':') return;                                // another rank: "x:1" vs "x:12"
    const unsigned seconds = rest.empty() ? 60 : static_cast<unsigned>(std::atoi(std::string(rest.substr(1)).c_str()));
    std::fprintf(stderr, "rankpool: test stall in %.*s on rank %d\n", static_cast<int>(phase.size()), phase.data(),
                 rank);
    std::fflush(stderr);
    ::sleep(seconds);  // a signal handler ends the process from here; sleep's end is no error
}

}  // namespace rankpool
