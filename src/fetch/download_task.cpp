#include "fetch/download_task.hpp"

#include <curl/curl.h>
#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <random>

#include "fetch/trust.hpp"
#include "util/disk_space.hpp"
#include "util/error.hpp"
#include "util/memory.hpp"

namespace rankpool::fetch {

namespace {

using Clock = std::chrono::steady_clock;
constexpr double longest_backoff = 60;  // seconds, whatever the retry count

// Why one attempt did not produce the file, and whether another attempt may.
struct Failure {
    std::string reason;
    bool retryable = false;
};

std::string seconds_text(double seconds) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", seconds);
    return text;
}

bool retryable_status(long status) { return status == 408 || status == 429 || status >= 500; }

std::string host_of(const std::string& url) {
    const auto start = url.find("://");
    const auto begin = start == std::string::npos ? 0 : start + 3;
    return url.substr(begin, url.find_first_of("/?#", begin) - begin);
}

// A failure on the way to or through a proxy names it and where its setting came from.
std::string through_proxy(const std::optional<ProxyChoice>& proxy, const std::string& reason) {
    if (!proxy) return reason;
    return "proxy " + proxy->url + " (from " + proxy->source + "): " + reason;
}

Failure transfer_failure(const Response& r, const DownloadSettings& s, const std::optional<ProxyChoice>& proxy,
                         const std::string& url) {
    if (proxy && r.proxy_status >= 300)  // CONNECT refused: 403 forbidden, 407 credentials, 5xx trouble
        return {.reason = through_proxy(
                    proxy, "refused the tunnel to " + host_of(url) + " with HTTP " + std::to_string(r.proxy_status)),
                .retryable = r.proxy_status >= 500};
    switch (r.curl_code) {
        case CURLE_OPERATION_TIMEDOUT:
            if (r.stalled)
                return {.reason = "no data for " + seconds_text(s.transfer.stall_timeout) + " s (--timeout)",
                        .retryable = true};
            return {
                .reason = through_proxy(proxy, "could not connect within " + seconds_text(s.transfer.connect_timeout) +
                                                   " s (--connect-timeout)"),
                .retryable = true};
        case CURLE_PARTIAL_FILE: return {.reason = "the body ended before its Content-Length", .retryable = true};
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CERTPROBLEM:
            return {.reason = certificate_problem(r.tls_verify_result, r.curl_error, host_of(url)), .retryable = false};
        case CURLE_SSL_CACERT_BADFILE:
            return {.reason = "TLS: cannot use the CA bundle (" + r.curl_error + "); check --ca-cert FILE",
                    .retryable = false};
        case CURLE_COULDNT_RESOLVE_PROXY: return {.reason = through_proxy(proxy, r.curl_error), .retryable = true};
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_CONNECT:
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM: return {.reason = through_proxy(proxy, r.curl_error), .retryable = true};
        case CURLE_TOO_MANY_REDIRECTS: return {.reason = "more than 10 redirects", .retryable = false};
        case CURLE_UNSUPPORTED_PROTOCOL:
            return {.reason = "redirected to a scheme other than http/https", .retryable = false};
        default: return {.reason = through_proxy(proxy, r.curl_error), .retryable = false};
    }
}

double backoff_seconds(int retry, double base) {
    static thread_local std::mt19937_64 generator{std::random_device{}()};
    std::uniform_real_distribution<double> jitter(0.5, 1.0);  // spreads ranks that failed together
    return std::min(longest_backoff, base * std::pow(2.0, std::min(retry - 1, 30))) * jitter(generator);
}

// A regular file (not a symlink) at path: its size and sha256.
std::optional<std::pair<std::int64_t, std::string>> regular_file(const std::filesystem::path& path) {
    struct stat info {};
    if (::lstat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return std::nullopt;
    return std::pair<std::int64_t, std::string>{info.st_size, sha256_of_file(path)};
}

bool matches_list(const ListEntry& entry, std::int64_t size, const std::string& hash) {
    return (!entry.size || size == *entry.size) && (!entry.sha256 || hash == *entry.sha256);
}

// The finished body: everything the list promised, or the reason it is not. A body without
// Content-Length that ended short of size= was cut off: worth another attempt.
std::optional<Failure> verify(const ListEntry& entry, const PartFile& part, const std::string& hash) {
    if (entry.size && part.size() != *entry.size)
        return Failure{.reason = "got " + std::to_string(part.size()) +
                                 " bytes, the list says size=" + std::to_string(*entry.size),
                       .retryable = part.size() < *entry.size};
    if (entry.sha256 && hash != *entry.sha256)
        return Failure{.reason = "sha256 mismatch: got " + hash + ", the list says " + *entry.sha256};
    return std::nullopt;
}

}  // namespace

class DownloadTask::Attempt {
public:
    Attempt(const ListEntry& entry, const DownloadSettings& settings, PartFile& part, Sha256& hash)
        : entry_(entry), settings_(settings), part_(part), hash_(hash) {}

    // The final response begins. Only a 200, or a 206 holding exactly the rest of the file
    // from `offset` on, is a download; a 200 to a Range request starts the file over.
    bool start(const Response& r, std::int64_t offset) {
        std::int64_t total = 0;
        if (r.status == 206) {
            const bool rest_of_file = r.range_first == offset && r.range_total && r.range_last == *r.range_total - 1 &&
                                      (!r.content_length || *r.content_length == *r.range_last - offset + 1);
            if (!rest_of_file) {
                restart_next_ = true;
                return stop("the server answered 206 with the wrong range", true);
            }
            total = *r.range_total;
        } else if (r.status == 200) {
            if (part_.size() > 0) {
                part_.restart();
                hash_.reset();
            }
            total = r.content_length.value_or(-1);
        } else {
            return stop("HTTP " + std::to_string(r.status), false);  // 204, 304, a 302 without Location, ...
        }
        if (total >= 0 && (r.status == 206 || r.content_length)) {
            if (settings_.max_size > 0 && total > settings_.max_size) return stop(too_large(), false);
            if (entry_.size && total != *entry_.size)
                return stop("the server announced " + std::to_string(total) +
                                " bytes, the list says size=" + std::to_string(*entry_.size),
                            false);
            expected_bytes_ = total;
            try {  // a full disk or quota fails this file now, not after part of it
                check_room(part_.final_path(), static_cast<std::uint64_t>(total - part_.size()), "the download",
                           "choose another --out");
                check_room(part_.final_path(), static_cast<std::uint64_t>(total), "the download",
                           "choose another --out",
                           RoomKind::file_size_limit_only);  // ulimit -f bounds the whole file, resumed or not
            } catch (const Error& e) {
                return stop(e.what(), false);
            }
        }
        return true;
    }

    bool data(const char* bytes, std::size_t size) {
        const auto total = part_.size() + static_cast<std::int64_t>(size);
        if (settings_.max_size > 0 && total > settings_.max_size) return stop(too_large(), false);
        if (entry_.size && total > *entry_.size)
            return stop("more bytes than size=" + std::to_string(*entry_.size), false);
        try {
            part_.append(bytes, size);
        } catch (const Error& e) {  // disk full, quota: this file fails, the others go on
            std::string reason = e.what();
            if (expected_bytes_)
                reason += " (the file needs " + format_bytes(static_cast<std::uint64_t>(*expected_bytes_)) + ")";
            return stop(reason, false);
        }
        hash_.update(bytes, size);
        return true;
    }

    const std::optional<Failure>& stopped() const { return stopped_; }
    bool restart_next() const { return restart_next_; }

private:
    bool stop(std::string reason, bool retryable) {
        stopped_ = Failure{.reason = std::move(reason), .retryable = retryable};
        return false;
    }
    std::string too_large() const {
        return "larger than --max-size (" + std::to_string(settings_.max_size) + " bytes)";
    }

    const ListEntry& entry_;
    const DownloadSettings& settings_;
    PartFile& part_;
    Sha256& hash_;
    std::optional<Failure> stopped_;
    std::optional<std::int64_t> expected_bytes_;  // the whole file's size, when the server said
    bool restart_next_ = false;
};

DownloadTask::DownloadTask(const DownloadRequest& request, const DownloadSettings& settings,
                           BackgroundFlush* flush_ahead)
    : request_(request),
      settings_(settings),
      flush_ahead_(flush_ahead),
      result_{.index = request.index,
              .line = request.entry.line,
              .url = request.entry.url,
              .file = request.name,
              .rank = request.rank,
              .host = request.host,
              .status = FetchStatus::failed} {}

DownloadTask::~DownloadTask() = default;

FetchResult DownloadTask::finished(FetchStatus status) {
    result_.status = status;
    result_.seconds = std::chrono::duration<double>(Clock::now() - started_).count();
    return result_;
}

FetchResult DownloadTask::fail(const std::string& reason) {
    result_.error = reason;
    part_.reset();             // the temporary file goes
    if (existing_is_stale_) {  // nothing wrong stays under the name
        std::error_code ec;
        std::filesystem::remove(settings_.out / request_.name, ec);
    }
    return finished(FetchStatus::failed);
}

std::optional<FetchResult> DownloadTask::begin() {
    const ListEntry& entry = request_.entry;
    try {
        // A file the list can vouch for is kept (skipped); one it contradicts is stale.
        const auto existing = (entry.size || entry.sha256) ? regular_file(settings_.out / request_.name) : std::nullopt;
        const bool existing_matches = existing && matches_list(entry, existing->first, existing->second);
        if (existing_matches && !settings_.force) {
            result_.bytes = existing->first;
            result_.sha256 = existing->second;
            return finished(FetchStatus::skipped);
        }
        existing_is_stale_ = existing && !existing_matches;
        proxy_ = choose_proxy(entry.url, settings_.proxy);
        if (proxy_) result_.proxy = proxy_->url;
        part_.emplace(settings_.out, request_.name, flush_ahead_);
        return std::nullopt;
    } catch (const std::exception& e) {  // the file system: cannot create, hash
        return fail(e.what());
    }
}

void DownloadTask::start_attempt(HttpTransfer& transfer) {
    ++result_.attempts;
    offset_ = server_resumes_ ? part_->size() : 0;
    attempt_ = std::make_unique<Attempt>(request_.entry, settings_, *part_, hash_);
    transfer.prepare(
        request_.entry.url, offset_, proxy_ ? proxy_->url : "",
        [this](const Response& r) { return attempt_->start(r, offset_); },
        [this](const char* data, std::size_t size) { return attempt_->data(data, size); });
}

std::variant<FetchResult, double, DownloadTask::Verified> DownloadTask::attempt_ended(const Response& response) {
    try {
        const Attempt& body = *attempt_;
        part_->flush();  // the file matches its size(), and a file waiting holds no buffer
        result_.http_status = response.status;
        result_.bytes = part_->size();
        if (!response.protocol.empty()) result_.protocol = response.protocol;
        server_resumes_ = (server_resumes_ || response.accepts_ranges || response.status == 206) &&
                          !body.restart_next() && !(offset_ > 0 && response.status == 416);

        std::optional<Failure> failure = body.stopped();
        if (!failure && response.curl_code != CURLE_OK)
            failure = transfer_failure(response, settings_, proxy_, request_.entry.url);
        if (!failure && response.status >= 400) {
            const bool bad_range = offset_ > 0 && response.status == 416;  // retry from the start
            failure = Failure{.reason = "HTTP " + std::to_string(response.status),
                              .retryable = bad_range || retryable_status(response.status)};
        }
        if (!failure) {
            const std::string digest = hash_.hex();
            failure = verify(request_.entry, *part_, digest);
            if (!failure) {
                result_.sha256 = digest;
                return Verified{};
            }
        }
        if (!failure->retryable || result_.attempts > settings_.retries) return fail(failure->reason);
        if (!server_resumes_ && part_->size() > 0) {
            part_->restart();
            hash_.reset();
        }
        return response.retry_after ? std::min(*response.retry_after, settings_.max_retry_after)
                                    : backoff_seconds(result_.attempts, settings_.retry_delay);
    } catch (const std::exception& e) {  // the file system
        return fail(e.what());
    }
}

FetchResult DownloadTask::commit() { return commit_with(&PartFile::commit); }

std::vector<FetchResult> DownloadTask::commit_all(std::vector<std::unique_ptr<DownloadTask>>& tasks, bool synced) {
    std::vector<FetchResult> results;
    for (auto& task : tasks)
        results.push_back(task->commit_with(synced ? &PartFile::commit_synced : &PartFile::commit));
    return results;
}

FetchResult DownloadTask::commit_with(void (PartFile::*put_in_place)()) {
    try {
        ((*part_).*put_in_place)();
        part_.reset();
        return finished(FetchStatus::ok);
    } catch (const std::exception& e) {
        result_.sha256.reset();
        return fail(e.what());
    }
}

}  // namespace rankpool::fetch
