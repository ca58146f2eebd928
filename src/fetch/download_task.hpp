#pragma once
// One line of the list, start to finish: skip if already complete, otherwise download with
// retries into a temporary file, verify (status, length, size=, sha256=), rename into place.
// A TransferPool drives many tasks at once; a task never blocks (its waits are the pool's timers,
// its fsync the committer's).
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "fetch/http_transfer.hpp"
#include "fetch/part_file.hpp"
#include "fetch/proxy.hpp"
#include "fetch/result.hpp"
#include "fetch/sha256.hpp"
#include "fetch/url_list.hpp"

namespace rankpool::fetch {

struct DownloadSettings {
    std::filesystem::path out = "downloads";
    TransferSettings transfer;
    std::optional<std::string> proxy{};  // --proxy; else the environment's
    std::int64_t max_size = 0;           // bytes; 0 = no limit
    int retries = 3;
    double retry_delay = 1.0;     // seconds, base of the exponential backoff
    double max_retry_after = 60;  // cap on a server's Retry-After
    bool force = false;
};

// What one list entry is, for the rank that downloads it.
struct DownloadRequest {
    const ListEntry& entry;
    const std::string& name;  // inside --out
    std::int64_t index;
    int rank;
    const std::string& host;
};

class DownloadTask {
public:
    // `flush_ahead`: for PartFile (nullptr: none).
    DownloadTask(const DownloadRequest& request, const DownloadSettings& settings, BackgroundFlush* flush_ahead);
    ~DownloadTask();

    // Skips a complete file, or gets ready to download. A result: the task is over already.
    std::optional<FetchResult> begin();

    // Sets up the next attempt on `transfer`.
    void start_attempt(HttpTransfer& transfer);

    // What the attempt's end means: the task's final result, seconds to wait before the next
    // attempt, or a verified file, ready for commit().
    struct Verified {};
    std::variant<FetchResult, double, Verified> attempt_ended(const Response& response);

    // fsync and rename into place (slow: the pool runs it on another thread).
    FetchResult commit();
    // commit() for each task, or, when `synced` (a syncfs after they were verified), only the rename.
    static std::vector<FetchResult> commit_all(std::vector<std::unique_ptr<DownloadTask>>& tasks, bool synced);

    // The task's result now, with `reason` as its error (the file system failed under it).
    FetchResult fail(const std::string& reason);

    class Attempt;  // one attempt's view of the body (download_task.cpp)

private:
    FetchResult finished(FetchStatus status);
    FetchResult commit_with(void (PartFile::*put_in_place)());

    DownloadRequest request_;
    const DownloadSettings& settings_;
    BackgroundFlush* flush_ahead_;
    std::optional<ProxyChoice> proxy_;
    FetchResult result_;
    std::optional<PartFile> part_;
    Sha256 hash_;
    std::unique_ptr<Attempt> attempt_;
    std::int64_t offset_ = 0;
    bool server_resumes_ = false;     // seen Accept-Ranges or a good 206: a retry may continue
    bool existing_is_stale_ = false;  // a file under the name that the list contradicts
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace rankpool::fetch
