#pragma once
// rankpool's MPI error policy: an error inside any MPI call is fatal to the whole job. Its
// handler prints one line on the failing rank ("rankpool: error: MPI: <MPI's text> (rank R on
// HOST)") and ends every rank with MPI_Abort, exit code 1. A collective that failed on one rank
// cannot be completed by the others, so no MPI error is survived or retried, and the code never
// checks an MPI return code. (MPI-IO files keep MPI's default, MPI_ERRORS_RETURN: HDF5 checks
// those codes itself and rankpool reports them with the file's name.)
#include <mpi.h>

namespace rankpool::mpi {

// Installs the handler on MPI_COMM_WORLD; communicators duplicated or split from it inherit it.
void install_error_handler();

}  // namespace rankpool::mpi
