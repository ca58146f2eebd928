#include "util/background_flush.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <string>

namespace rankpool {

BackgroundFlush::BackgroundFlush() : thread_([this] { run(); }) {}

BackgroundFlush::~BackgroundFlush() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        for (const int fd : waiting_) ::close(fd);
        waiting_.clear();
    }
    work_ready_.notify_one();
    thread_.join();
}

void BackgroundFlush::request(int fd) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || open_files_ >= most_open_files) return;
        // Not dup(): a duplicate shares the writer's open file, and a flush through it would take
        // a write error away from the writer's own fsync.
        const int own = ::open(("/proc/self/fd/" + std::to_string(fd)).c_str(), O_RDONLY | O_CLOEXEC);
        if (own < 0) return;
        waiting_.push_back(own);
        ++open_files_;
    }
    work_ready_.notify_one();
}

void BackgroundFlush::run() {
    for (;;) {
        int fd = -1;
        {
            std::unique_lock lock(mutex_);
            work_ready_.wait(lock, [this] { return stopping_ || !waiting_.empty(); });
            if (waiting_.empty()) return;  // stopping
            fd = waiting_.front();
            waiting_.pop_front();
        }
        ::fdatasync(fd);  // errors: the sync before the rename reports them
        ::close(fd);
        std::lock_guard lock(mutex_);
        --open_files_;
    }
}

}  // namespace rankpool
