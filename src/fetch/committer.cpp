#include "fetch/committer.hpp"

namespace rankpool::fetch {

namespace {
constexpr int threads_syncing_each_file = 4;  // fsync waits for the disk, not the CPU
constexpr std::size_t largest_group = 256;
}  // namespace

Committer::Committer(bool group_commit, std::function<void()> wake)
    : group_commit_(group_commit), wake_(std::move(wake)) {
    for (int i = 0; i < (group_commit ? 1 : threads_syncing_each_file); ++i) threads_.emplace_back([this] { run(); });
}

Committer::~Committer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    work_ready_.notify_all();
    for (auto& thread : threads_) thread.join();
}

void Committer::submit(std::unique_ptr<DownloadTask> task) {
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(task));
        ++unfinished_;
    }
    work_ready_.notify_one();
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
            const std::size_t most = group_commit_ ? largest_group : 1;
            while (!queue_.empty() && group.size() < most) {
                group.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        // Never throw: a failure is in the result.
        auto results =
            group_commit_ ? DownloadTask::commit_together(group) : std::vector<FetchResult>{group.front()->commit()};
        group.clear();
        {
            std::lock_guard lock(mutex_);
            for (auto& result : results) finished_.push_back(std::move(result));
        }
        wake_();
    }
}

}  // namespace rankpool::fetch
