#pragma once
// Flushes files to stable storage on a thread of its own while they are still being written, so
// that the fsync or syncfs that must come before a file's rename has only its last stretch left
// to flush. Measured on this project's VM (docs/performance.md): the sync after the last byte of
// a 200 MB download took 0.18 s with nothing flushed before it; a flush every 64 MB on the side
// took a sixth off fetch's time for 4 x 200 MB. Only a hint: a request may be dropped, and errors
// are left to the sync before the rename: each flush goes through an open file of its own, so a
// write error it meets is still reported to the writer's descriptor (Linux reports such an error
// once to every open file). Local file systems only: closing that extra open file would drop
// the writer's lock where flock is emulated with POSIX locks, which go with any close (NFS).
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>

namespace rankpool {

class BackgroundFlush {
public:
    BackgroundFlush();
    ~BackgroundFlush();  // drops the requests still waiting, finishes the flush under way
    BackgroundFlush(const BackgroundFlush&) = delete;
    BackgroundFlush& operator=(const BackgroundFlush&) = delete;

    // fdatasync of the file open as `fd`, later; the caller may close `fd` at once.
    void request(int fd);

    // Each flush also flushes the disk's cache for everything written before it, so a long queue
    // buys nothing: with this many files waiting or being flushed, requests are dropped.
    static constexpr std::size_t most_open_files = 8;

private:
    void run();

    std::mutex mutex_;
    std::condition_variable work_ready_;
    std::deque<int> waiting_;     // files opened anew for their flush; guarded by mutex_
    std::size_t open_files_ = 0;  // waiting or being flushed; guarded by mutex_
    bool stopping_ = false;       // guarded by mutex_
    std::thread thread_;          // last: it starts once the rest exists
};

}  // namespace rankpool
