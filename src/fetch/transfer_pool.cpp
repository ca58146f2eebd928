#include "fetch/transfer_pool.hpp"

#include <curl/curl.h>

#include <algorithm>

#include "util/error.hpp"
#include "util/local_file_system.hpp"

namespace rankpool::fetch {

namespace {
// Commits may lag behind the transfers by this many files before new work waits for them
// (each holds an open file, not its bytes): room for the files that arrive during a group's sync.
std::size_t commit_backlog(std::size_t parallel) { return std::max<std::size_t>(parallel, 64); }

CURLM* new_multi(std::size_t parallel) {
    CURLM* multi = curl_multi_init();
    if (multi == nullptr) throw Error("cannot create a libcurl multi handle");
    // Idle connections kept for reuse hold a socket each: no more than the transfers in flight.
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, static_cast<long>(parallel));
    return multi;
}
}  // namespace

std::size_t TransferPool::open_files_needed(int parallel) {
    const auto transfers = static_cast<std::size_t>(parallel);
    // A file and up to two sockets per transfer (a connection being made tries IPv6 and IPv4; a
    // name being resolved holds a socket pair), a file per commit and per flush waiting, and room
    // for MPI, libcurl and stdio.
    return 3 * transfers + commit_backlog(transfers) + BackgroundFlush::most_open_files + 64;
}

void TransferPool::MultiCleanup::operator()(CURLM* multi) const { curl_multi_cleanup(multi); }

TransferPool::TransferPool(const DownloadSettings& settings, int parallel)
    : multi_(new_multi(static_cast<std::size_t>(parallel))),
      settings_(settings),
      parallel_(static_cast<std::size_t>(parallel)),
      committer_(settings.out, [this] { curl_multi_wakeup(multi_.get()); }) {
    if (on_local_file_system(settings.out)) flush_ahead_.emplace();  // see util/background_flush.hpp
}

// Then the members go, last first: the committer (whose threads may still wake multi_), the
// tasks, the easy handles, the flush thread, multi_.
TransferPool::~TransferPool() {
    for (auto& [handle, running] : running_) curl_multi_remove_handle(multi_.get(), running.transfer->handle());
}

bool TransferPool::has_room() const {
    return running_.size() + waiting_.size() < parallel_ && committer_.unfinished() < commit_backlog(parallel_);
}

bool TransferPool::idle() const {
    return running_.empty() && waiting_.empty() && finished_.empty() && committer_.unfinished() == 0;
}

void TransferPool::add(const DownloadRequest& request) {
    auto task = std::make_unique<DownloadTask>(request, settings_, flush_ahead_ ? &*flush_ahead_ : nullptr);
    if (auto result = task->begin()) {
        finished_.push_back(std::move(*result));
        return;
    }
    start(std::move(task));
}

void TransferPool::start(std::unique_ptr<DownloadTask> task) {
    std::unique_ptr<HttpTransfer> transfer;
    if (spare_.empty()) {
        transfer = std::make_unique<HttpTransfer>(settings_.transfer);
    } else {
        transfer = std::move(spare_.back());
        spare_.pop_back();
    }
    task->start_attempt(*transfer);
    CURL* handle = transfer->handle();
    if (curl_multi_add_handle(multi_.get(), handle) != CURLM_OK) throw Error("cannot start a libcurl transfer");
    running_.emplace(handle, Running{.task = std::move(task), .transfer = std::move(transfer)});
}

void TransferPool::start_due_retries() {
    const auto now = Clock::now();
    for (std::size_t i = 0; i < waiting_.size();) {
        if (waiting_[i].retry_at > now) {
            ++i;
            continue;
        }
        auto task = std::move(waiting_[i].task);
        waiting_.erase(waiting_.begin() + static_cast<std::ptrdiff_t>(i));
        start(std::move(task));
    }
}

void TransferPool::attempt_ended(Running running, int code) {
    auto& [task, transfer] = running;
    std::variant<FetchResult, double, DownloadTask::Verified> outcome;
    try {
        outcome = task->attempt_ended(transfer->finish(code));
    } catch (const std::exception& e) {  // thrown in a sink: the file system
        outcome = task->fail(e.what());
    }
    spare_.push_back(std::move(transfer));
    if (auto* result = std::get_if<FetchResult>(&outcome))
        finished_.push_back(std::move(*result));
    else if (auto* seconds = std::get_if<double>(&outcome))
        waiting_.push_back({.task = std::move(task),
                            .retry_at = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                           std::chrono::duration<double>(*seconds))});
    else
        committer_.submit(std::move(task));
}

bool TransferPool::collect_ended() {
    bool ended = false;
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi_.get(), &left)) {
        if (message->msg != CURLMSG_DONE) continue;
        CURL* handle = message->easy_handle;
        const int code = message->data.result;  // read before the handle is removed
        curl_multi_remove_handle(multi_.get(), handle);
        auto node = running_.extract(handle);
        attempt_ended(std::move(node.mapped()), code);
        ended = true;
    }
    return ended;
}

std::chrono::milliseconds TransferPool::wait_limit(std::chrono::milliseconds max_wait) const {
    auto limit = max_wait;
    const auto now = Clock::now();
    for (const auto& w : waiting_)
        limit = std::min(limit, std::chrono::ceil<std::chrono::milliseconds>(std::max(w.retry_at - now, {})));
    return limit;
}

void TransferPool::step(std::chrono::milliseconds max_wait) {
    start_due_retries();
    int still_running = 0;
    curl_multi_perform(multi_.get(), &still_running);
    const bool ended = collect_ended();
    take_committed();
    if (ended || !finished_.empty()) return;  // the caller may start the next transfer at once
    // A commit finishing meanwhile wakes the poll (curl_multi_wakeup).
    curl_multi_poll(multi_.get(), nullptr, 0, static_cast<int>(wait_limit(max_wait).count()), nullptr);
    start_due_retries();
    curl_multi_perform(multi_.get(), &still_running);
    collect_ended();
    take_committed();
}

void TransferPool::take_committed() {
    for (auto& result : committer_.take_finished()) finished_.push_back(std::move(result));
}

std::vector<FetchResult> TransferPool::take_finished() {
    std::vector<FetchResult> taken;
    taken.swap(finished_);
    return taken;
}

}  // namespace rankpool::fetch
