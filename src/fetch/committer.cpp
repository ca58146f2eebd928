#include "fetch/committer.hpp"

namespace rankpool::fetch {

Committer::Committer(int threads, std::function<void()> wake) : wake_(std::move(wake)) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
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
        std::unique_ptr<DownloadTask> task;
        {
            std::unique_lock lock(mutex_);
            work_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping, and everything is committed
            task = std::move(queue_.front());
            queue_.pop_front();
        }
        FetchResult result = task->commit();  // never throws: a failure is in the result
        task.reset();
        {
            std::lock_guard lock(mutex_);
            finished_.push_back(std::move(result));
        }
        wake_();
    }
}

}  // namespace rankpool::fetch
