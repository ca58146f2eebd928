// MPI test runner: MPI_Init, the Catch2 session on every rank, then the ranks agree on the
// outcome (the worst exit code wins), so a failure on any rank fails the test everywhere.
// Tests use CHECK rather than REQUIRE before a collective: a rank that stopped early would
// leave the others waiting.
#include <mpi.h>

#include "catch_session.hpp"
#include "h5/error_stack.hpp"

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    rankpool::h5::silence_errors();
    const int result = run_catch_session(argc, argv);
    int worst = 0;
    MPI_Allreduce(&result, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    MPI_Finalize();
    return worst;
}
