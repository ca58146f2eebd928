#pragma once
// A private temporary file written with plain POSIX calls, the cheapest way to put bytes into
// the file system: the yardstick for rankpool's HDF5 writes. The destructor removes the file,
// so no run, failed or not, leaves one behind.
#include <cstddef>
#include <filesystem>
#include <string_view>

namespace rankpool::limits {

class ScratchFile {
public:
    // Creates DIR/.rankpool-limits-<pid>-<role>.tmp exclusively (never an existing file or a
    // symlink). Throws Error when DIR is missing or not writable.
    ScratchFile(const std::filesystem::path& dir, std::string_view role);
    ~ScratchFile();  // closes if still open, then unlinks
    ScratchFile(const ScratchFile&) = delete;
    ScratchFile& operator=(const ScratchFile&) = delete;

    // write() until every byte is out: partial writes continue, EINTR retries. Throws Error.
    void write_all(const void* data, std::size_t bytes);
    // close() without fsync, as HDF5's close does not sync either. Throws Error.
    void close();
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
    int fd_ = -1;
};

}  // namespace rankpool::limits
