#include "fetch/committer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>

#include "util/local_file_system.hpp"

namespace rankpool::fetch {

namespace {
constexpr int threads_syncing_each_file = 4;  // fsync waits for the disk, not the CPU
constexpr std::size_t largest_group = 256;
// A group gathers the files that end within this long after its first: each syncfs also flushes
// the disk's cache, so syncing each file the moment it ends costs a flush per file in a flood of
// small ones (2000 x 16 kB: about 1.5 times the time), while a file waits at most this much more.
constexpr auto gathering = std::chrono::milliseconds(5);
}  // namespace

Committer::Committer(const std::filesystem::path& folder, std::function<void()> wake) : wake_(std::move(wake)) {
    if (on_local_file_system(folder) && syncfs_reports_write_errors())
        group_sync_fd_ = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    const int threads = group_sync_fd_ >= 0 ? 1 : threads_syncing_each_file;
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

Committer::~Committer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    work_ready_.notify_all();
    for (auto& thread : threads_) thread.join();
    if (group_sync_fd_ >= 0) ::close(group_sync_fd_);
}

void Committer::submit(std::unique_ptr<DownloadTask> task) {
    bool wake = false;
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(task));
        ++unfinished_;
        // A group that is gathering ends on its own time: waking its thread for every file that
        // joins it cost a context switch per file, and the transfers the CPU.
        wake = group_sync_fd_ < 0 || queue_.size() == 1 || queue_.size() >= largest_group;
    }
    if (wake) work_ready_.notify_one();
}

std::vector<FetchResult> Committer::take_finished() {
    std::vector<FetchResult> taken;
    std::lock_guard lock(mutex_);
    taken.swap(finished_);
    unfinished_ -= taken.size();
    return taken;
}

std::size_t Committer::unfinished() const {
    std::lock_guard lock(mutex_);
    return unfinished_;
}

void Committer::run() {
    for (;;) {
        std::vector<std::unique_ptr<DownloadTask>> group;
        {
            std::unique_lock lock(mutex_);
            work_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping, and everything is committed
            if (group_sync_fd_ >= 0)
                work_ready_.wait_for(lock, gathering, [this] { return stopping_ || queue_.size() >= largest_group; });
            const std::size_t most = group_sync_fd_ >= 0 ? largest_group : 1;
            while (!queue_.empty() && group.size() < most) {
                group.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        // Never throw: a failure is in the result. A failed syncfs leaves each file to its own
        // fsync, which tells which of them failed.
        const bool synced = group_sync_fd_ >= 0 && ::syncfs(group_sync_fd_) == 0;
        auto results = DownloadTask::commit_all(group, synced);
        group.clear();
        {
            std::lock_guard lock(mutex_);
            for (auto& result : results) finished_.push_back(std::move(result));
        }
        wake_();
    }
}

}  // namespace rankpool::fetch
