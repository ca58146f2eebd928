#pragma once
// Refusing, before any allocation, a job whose arrays cannot fit: the kernel would otherwise
// hand out the untouched memory and kill a rank (and the job, silently) when it is touched.
#include <mpi.h>

#include <cstdint>
#include <string>

namespace rankpool::mpi {

// Collective. Sums `bytes` over the ranks that share a node and compares the sum with that
// node's available memory (util/memory.hpp). Throws AgreedError on every rank when a node is
// short, naming the host, the bytes needed (rank 0's share too) and those available; `advice`
// ends the message ("use a smaller --n ...").
void check_memory_fits(MPI_Comm comm, std::uint64_t bytes, const std::string& what, const std::string& advice);

}  // namespace rankpool::mpi
