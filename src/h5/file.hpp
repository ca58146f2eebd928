#pragma once
// Opening and creating HDF5 files with errors a user can act on.
#include <filesystem>
#include <string>
#include <vector>

#include "h5/handle.hpp"

namespace rankpool::h5 {

// Read-only. Throws Error for a missing file, a folder, a file that is not HDF5, and a
// truncated or damaged one.
Handle open_for_reading(const std::filesystem::path& path);

// Creates path for writing; it must not exist yet (a planted file or symlink is refused).
// Messages name `label` (the file the user asked for, when path is its temporary name).
Handle create(const std::filesystem::path& path, const std::string& label);

// Closes the file and checks the final flush (a full disk shows up here).
void close(Handle& file, const std::filesystem::path& path);

// Every dataset in the file, as absolute paths ("/numbers", "/run7/values").
std::vector<std::string> list_datasets(hid_t file);

}  // namespace rankpool::h5
