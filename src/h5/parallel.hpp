#pragma once
// HDF5 over MPI-IO (the mpio driver): every rank opens the same file and reads or writes its
// own slice. Every function here is collective over `comm`.
#include <mpi.h>

#include <filesystem>
#include <string>
#include <vector>

#include "h5/handle.hpp"

namespace rankpool::h5 {

// Collective. Creates `path` (it must not exist) for parallel writing; messages name `label`.
Handle create_parallel(const std::filesystem::path& path, const std::string& label, MPI_Comm comm);

// Collective. Opens an existing HDF5 file read-only for parallel reading (checked beforehand by
// open_for_reading on one rank, which gives the better messages).
Handle open_parallel(const std::filesystem::path& path, MPI_Comm comm);

// A transfer property list for collective I/O: every rank calls H5Dread/H5Dwrite together.
Handle collective_transfer();

// After a transfer with `transfer`: why HDF5 did not do it collectively (over all ranks), as
// short phrases; empty when it was collective.
std::vector<std::string> no_collective_causes(hid_t transfer);

}  // namespace rankpool::h5
