#pragma once
// Where the ranks run: on a cluster the ranks of one job sit on several nodes.
#include <mpi.h>

#include <string>
#include <vector>

namespace rankpool::mpi {

// Collective. On `root`: every rank's node (MPI_Get_processor_name), in rank order; elsewhere empty.
std::vector<std::string> gather_hosts(MPI_Comm comm, int root);

}  // namespace rankpool::mpi
