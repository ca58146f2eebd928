#pragma once
// One rank's downloads: up to `parallel` tasks at once (transferring, or waiting to retry),
// all driven by one libcurl multi handle on the calling thread; retries wait on timers, not
// in sleep; finished files are committed by the Committer's threads.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "fetch/committer.hpp"
#include "fetch/download_task.hpp"
#include "util/background_flush.hpp"

typedef void CURLM;

namespace rankpool::fetch {

class TransferPool {
public:
    TransferPool(const DownloadSettings& settings, int parallel);
    ~TransferPool();
    TransferPool(const TransferPool&) = delete;
    TransferPool& operator=(const TransferPool&) = delete;

    // Open files (sockets included) a pool of `parallel` transfers may hold at once.
    static std::size_t open_files_needed(int parallel);

    // Room for one more task: fewer than `parallel` under way, and the commits keeping up.
    bool has_room() const;
    // Takes on one list entry (the request's references must outlive the task).
    void add(const DownloadRequest& request);
    // Nothing under way, nothing being committed, no result waiting to be taken.
    bool idle() const;

    // Moves the transfers on; returns once a result is ready, a transfer has ended (its slot is
    // free while its file is committed) or `max_wait` has passed.
    void step(std::chrono::milliseconds max_wait);
    std::vector<FetchResult> take_finished();

private:
    using Clock = std::chrono::steady_clock;
    struct Waiting {
        std::unique_ptr<DownloadTask> task;
        Clock::time_point retry_at;
    };
    struct Running {
        std::unique_ptr<DownloadTask> task;
        std::unique_ptr<HttpTransfer> transfer;
    };

    void start(std::unique_ptr<DownloadTask> task);
    void start_due_retries();
    bool collect_ended();  // true when an attempt ended
    void take_committed();
    void attempt_ended(Running running, int code);
    std::chrono::milliseconds wait_limit(std::chrono::milliseconds max_wait) const;

    struct MultiCleanup {
        void operator()(CURLM* multi) const;
    };
    std::unique_ptr<CURLM, MultiCleanup> multi_;  // first: the last to go
    const DownloadSettings& settings_;
    std::size_t parallel_;
    std::optional<BackgroundFlush> flush_ahead_;        // big files' flushes; before the tasks, whose files use it
    std::vector<std::unique_ptr<HttpTransfer>> spare_;  // reused: their TLS sessions and buffers
    std::unordered_map<void*, Running> running_;        // by CURL easy handle
    std::vector<Waiting> waiting_;
    std::vector<FetchResult> finished_;
    Committer committer_;  // last: its threads may call into multi_ (wakeup) until joined
};

}  // namespace rankpool::fetch
