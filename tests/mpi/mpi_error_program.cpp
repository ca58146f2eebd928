// A program that makes one erroneous MPI call after rankpool's MPI set-up, to test the error
// policy (mpi/error_handler.hpp) from outside: tests/cli/test_mpi_errors.py.
//   mpi_error_program world|dup|split RANK
// RANK makes the bad call (a send to a rank that does not exist) on MPI_COMM_WORLD, on a
// communicator duplicated from it, or on one split from it by node; the other ranks wait in a
// barrier that can never complete, as they would in a collective that failed elsewhere.
#include <mpi.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "mpi/environment.hpp"

int main(int argc, char** argv) {
    rankpool::mpi::Environment mpi_environment(argc, argv);
    if (argc != 3) {
        std::fprintf(stderr, "usage: mpi_error_program world|dup|split RANK\n");
        return 2;
    }
    const std::string where = argv[1];
    const int failing_rank = std::atoi(argv[2]);
    MPI_Comm comm = MPI_COMM_WORLD;
    if (where == "dup") MPI_Comm_dup(MPI_COMM_WORLD, &comm);
    if (where == "split") MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &comm);
    if (rankpool::mpi::rank() == failing_rank) {
        int value = 0;
        MPI_Send(&value, 1, MPI_INT, rankpool::mpi::size(comm) + 5, 0, comm);
        std::fprintf(stderr, "mpi_error_program: the bad call returned\n");  // the test fails on this line
        return 3;
    }
    MPI_Barrier(MPI_COMM_WORLD);
    return 0;
}
