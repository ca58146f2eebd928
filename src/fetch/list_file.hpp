#pragma once
// Reading the URL list file (parsing it: url_list.hpp).
#include <filesystem>
#include <string>

namespace rankpool::fetch {

// The list's bytes. Only a regular file: opening a FIFO nobody writes to would wait forever,
// and a device is no list. Throws UsageError for those, for a file it cannot read, and for
// UTF-16 text.
std::string read_list_file(const std::filesystem::path& path);

}  // namespace rankpool::fetch
