#pragma once
// Whether many files can be made durable with one syncfs instead of one fsync each: they live on
// a file system of this machine's own disks or memory (on a network or parallel file system --
// NFS, Lustre, GPFS, FUSE, ... -- syncfs may have to flush far more than this process wrote), and
// the kernel's syncfs reports write errors (Linux 5.8 and later; before, it returns 0 regardless).
#include <filesystem>
#include <string>

namespace rankpool {

// True for ext2/3/4, xfs, btrfs and tmpfs; false for any other, or when statfs fails.
bool on_local_file_system(const std::filesystem::path& path);

// Whether a kernel release ("6.1.0-18-amd64", "4.18.0-513.el8.x86_64") is major.minor or later.
bool release_at_least(const std::string& release, int major, int minor);

// This kernel's syncfs reports write errors that happened since its file descriptor was opened.
bool syncfs_reports_write_errors();

}  // namespace rankpool
