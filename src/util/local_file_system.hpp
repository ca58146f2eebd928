#pragma once
// Whether a path lives on a file system of this machine's own disks or memory, where one syncfs
// costs about what one fsync does, or on a network or parallel file system (NFS, Lustre, GPFS,
// FUSE, ...), whose syncfs may have to flush far more than this process wrote.
#include <filesystem>

namespace rankpool {

// True for ext2/3/4, xfs, btrfs and tmpfs; false for any other, or when statfs fails.
bool on_local_file_system(const std::filesystem::path& path);

}  // namespace rankpool
