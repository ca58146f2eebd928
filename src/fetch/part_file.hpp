#pragma once
// A download in progress: bytes go to a hidden temporary file next to the final name, created
// with O_EXCL | O_NOFOLLOW (a planted symlink is never followed), and the file appears under
// its final name only by commit(). Destroyed without commit(), the temporary file is removed.
// While it lives it holds an flock on the file, which the kernel drops when the process dies:
// that is how remove_abandoned_parts tells a killed run's leftovers from live downloads.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "util/background_flush.hpp"
#include "util/interrupt.hpp"

namespace rankpool::fetch {

class PartFile {
public:
    // `flush_ahead`: flushes a big file while it arrives (none: nullptr).
    PartFile(const std::filesystem::path& folder, const std::string& final_name, BackgroundFlush* flush_ahead);
    ~PartFile();
    PartFile(const PartFile&) = delete;
    PartFile& operator=(const PartFile&) = delete;

    void append(const char* data, std::size_t size);  // buffered; throws Error (disk full, ...)
    void flush();                                     // writes what is buffered, frees the buffer
    void restart();                                   // back to zero bytes
    std::int64_t size() const { return size_; }       // written and buffered
    const std::filesystem::path& final_path() const { return final_; }
    void commit();         // fsync, then rename onto the final name (replacing a file or symlink there)
    void commit_synced();  // commit() without its fsync, after a syncfs made the bytes durable

private:
    bool hold_lock() const;  // false: the file was removed before this process locked it
    void write_pending();    // keeps the buffer
    void write_out(const char* data, std::size_t size);
    void put_in_place();  // the rename
    void start_write_back();

    std::filesystem::path temp_;
    std::filesystem::path final_;
    int fd_ = -1;
    std::int64_t size_ = 0;
    std::vector<char> pending_;      // appended, not written yet: libcurl hands over 16 kB at a time
    std::int64_t written_ = 0;       // bytes in the file
    std::int64_t written_back_ = 0;  // bytes before this offset are on their way to the disk
    BackgroundFlush* flush_ahead_;
    bool committed_ = false;
    std::optional<RemoveOnInterrupt> on_interrupt_;  // the temporary file, until committed
};

// Removes the temporary files in `folder` that no live process holds (those of a run that was
// SIGKILLed, or lost its node): any other job downloading into the same folder keeps its own.
void remove_abandoned_parts(const std::filesystem::path& folder);

}  // namespace rankpool::fetch
