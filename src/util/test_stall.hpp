#pragma once
// A test hook, like RANKPOOL_TEST_MESSAGE_LIMIT: RANKPOOL_TEST_STALL=PHASE:RANK[:SECONDS] makes that
// rank stop for SECONDS (default 60) at the start of that phase of `rankpool square` (a timed phase, or start-up
// (before MPI_Init), memory_check or commit), after printing
// "rankpool: test stall in PHASE on rank RANK" to stderr. The fault tests use it to kill a
// rank, or interrupt the job, at a known point: while the other ranks are inside the phase's
// collective or waiting for its end. Unset, or naming another phase or rank, it does nothing.
#include <string_view>

namespace rankpool {

void stall_if_asked(std::string_view phase, int rank);

}  // namespace rankpool
