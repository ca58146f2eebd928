#include "fetch/downloader.hpp"

#include <curl/curl.h>
#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <random>
#include <thread>

#include "fetch/part_file.hpp"
#include "fetch/sha256.hpp"
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

Failure transfer_failure(const Response& r, const DownloadSettings& s) {
    switch (r.curl_code) {
        case CURLE_OPERATION_TIMEDOUT:
            if (r.stalled)
                return {.reason = "no data for " + seconds_text(s.limits.stall_timeout) + " s (--timeout)",
                        .retryable = true};
            return {.reason =
                        "could not connect within " + seconds_text(s.limits.connect_timeout) + " s (--connect-timeout)",
                    .retryable = true};
        case CURLE_PARTIAL_FILE: return {.reason = "the body ended before its Content-Length", .retryable = true};
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_CONNECT:
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM: return {.reason = r.curl_error, .retryable = true};
        case CURLE_TOO_MANY_REDIRECTS: return {.reason = "more than 10 redirects", .retryable = false};
        case CURLE_UNSUPPORTED_PROTOCOL:
            return {.reason = "redirected to a scheme other than http/https", .retryable = false};
        default: return {.reason = r.curl_error, .retryable = false};
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

class Attempt {
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

FetchResult download(const ListEntry& entry, const std::string& name, std::int64_t index, int rank,
                     const DownloadSettings& settings, HttpClient& client) {
    const auto started = Clock::now();
    const std::filesystem::path path = settings.out / name;
    FetchResult result{.index = index,
                       .line = entry.line,
                       .url = entry.url,
                       .file = name,
                       .rank = rank,
                       .status = FetchStatus::failed};
    const auto finish = [&](FetchResult r) {
        r.seconds = std::chrono::duration<double>(Clock::now() - started).count();
        return r;
    };

    try {
        // A file the list can vouch for is kept (skipped); one it contradicts is stale.
        const auto existing = (entry.size || entry.sha256) ? regular_file(path) : std::nullopt;
        const bool existing_matches = existing && matches_list(entry, existing->first, existing->second);
        if (existing_matches && !settings.force) {
            result.status = FetchStatus::skipped;
            result.bytes = existing->first;
            result.sha256 = existing->second;
            return finish(result);
        }
        const auto fail = [&](const std::string& reason) {
            result.error = reason;
            if (existing && !existing_matches) std::filesystem::remove(path);  // nothing wrong stays under the name
            return finish(result);
        };

        PartFile part(settings.out, name);
        Sha256 hash;
        bool server_resumes = false;  // seen Accept-Ranges or a good 206: a retry may continue
        for (int attempt = 1;; ++attempt) {
            result.attempts = attempt;
            const std::int64_t offset = server_resumes ? part.size() : 0;
            Attempt body(entry, settings, part, hash);
            const Response response = client.get(
                entry.url, offset, [&](const Response& r) { return body.start(r, offset); },
                [&](const char* data, std::size_t size) { return body.data(data, size); });
            result.http_status = response.status;
            result.bytes = part.size();
            server_resumes = (server_resumes || response.accepts_ranges || response.status == 206) &&
                             !body.restart_next() && !(offset > 0 && response.status == 416);

            std::optional<Failure> failure = body.stopped();
            if (!failure && response.curl_code != CURLE_OK) failure = transfer_failure(response, settings);
            if (!failure && response.status >= 400) {
                const bool bad_range = offset > 0 && response.status == 416;  // retry from the start
                failure = Failure{.reason = "HTTP " + std::to_string(response.status),
                                  .retryable = bad_range || retryable_status(response.status)};
            }
            if (!failure) {
                const std::string digest = hash.hex();
                failure = verify(entry, part, digest);
                if (!failure) {
                    part.commit();
                    result.status = FetchStatus::ok;
                    result.sha256 = digest;
                    return finish(result);
                }
            }
            if (!failure->retryable || attempt > settings.retries) return fail(failure->reason);
            if (!server_resumes && part.size() > 0) {
                part.restart();
                hash.reset();
            }
            const double wait = response.retry_after ? std::min(*response.retry_after, settings.max_retry_after)
                                                     : backoff_seconds(attempt, settings.retry_delay);
            std::this_thread::sleep_for(std::chrono::duration<double>(wait));
        }
    } catch (const std::exception& e) {  // the file system: cannot create, rename, hash
        result.error = e.what();
        return finish(result);
    }
}

}  // namespace rankpool::fetch
