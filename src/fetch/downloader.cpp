#include "fetch/downloader.hpp"

#include <curl/curl.h>
#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <random>
#include <thread>

#include "fetch/part_file.hpp"
#include "fetch/sha256.hpp"
#include "util/error.hpp"

namespace rankpool::fetch {

namespace {

using Clock = std::chrono::steady_clock;

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
            return {"no data for " + seconds_text(s.limits.stall_timeout) + " s (--timeout)", true};
        case CURLE_PARTIAL_FILE: return {"the body ended before its Content-Length", true};
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_CONNECT:
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR:
        case CURLE_GOT_NOTHING: return {r.curl_error, true};
        case CURLE_TOO_MANY_REDIRECTS: return {"more than 10 redirects", false};
        case CURLE_UNSUPPORTED_PROTOCOL: return {"redirected to a scheme other than http/https", false};
        default: return {r.curl_error, false};
    }
}

double backoff_seconds(int retry, double base) {
    static thread_local std::mt19937_64 generator{std::random_device{}()};
    std::uniform_real_distribution<double> jitter(0.5, 1.0);  // spreads ranks that failed together
    return base * std::pow(2.0, retry - 1) * jitter(generator);
}

// An existing regular file at the final name that matches every size=/sha256= given.
std::optional<FetchResult> already_complete(const ListEntry& entry, const std::filesystem::path& path, FetchResult result) {
    struct stat info {};
    if ((!entry.size && !entry.sha256) || ::lstat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return std::nullopt;
    if (entry.size && info.st_size != *entry.size) return std::nullopt;
    const std::string hash = sha256_of_file(path);
    if (entry.sha256 && hash != *entry.sha256) return std::nullopt;
    result.status = "skipped";
    result.bytes = info.st_size;
    result.sha256 = hash;
    return result;
}

class Attempt {
public:
    Attempt(const ListEntry& entry, const DownloadSettings& settings, PartFile& part, Sha256& hash)
        : entry_(entry), settings_(settings), part_(part), hash_(hash) {}

    // The body begins: decide between appending (a matching 206) and starting over.
    bool start(const Response& r, std::int64_t offset) {
        if (offset > 0 && !(r.status == 206 && r.range_start == offset)) {
            if (r.status == 206) return stop("the server resumed at the wrong offset", true);
            part_.restart();  // the server ignored the Range: take the whole body again
            hash_.reset();
        }
        if (r.content_length) {
            const std::int64_t total = part_.size() + *r.content_length;
            if (settings_.max_size > 0 && total > settings_.max_size) return stop(too_large(), false);
            if (entry_.size && total != *entry_.size)
                return stop("the server announced " + std::to_string(total) + " bytes, the list says size=" +
                                std::to_string(*entry_.size), false);
        }
        return true;
    }

    bool data(const char* bytes, std::size_t size) {
        const auto total = part_.size() + static_cast<std::int64_t>(size);
        if (settings_.max_size > 0 && total > settings_.max_size) return stop(too_large(), false);
        if (entry_.size && total > *entry_.size)
            return stop("more bytes than size=" + std::to_string(*entry_.size), false);
        part_.append(bytes, size);
        hash_.update(bytes, size);
        return true;
    }

    const std::optional<Failure>& stopped() const { return stopped_; }

private:
    bool stop(std::string reason, bool retryable) {
        stopped_ = Failure{std::move(reason), retryable};
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
};

// The finished body: everything the list promised, or the reason it is not.
std::optional<Failure> verify(const ListEntry& entry, const PartFile& part, const std::string& hash) {
    if (entry.size && part.size() != *entry.size)
        return Failure{"got " + std::to_string(part.size()) + " bytes, the list says size=" + std::to_string(*entry.size)};
    if (entry.sha256 && hash != *entry.sha256)
        return Failure{"sha256 mismatch: got " + hash + ", the list says " + *entry.sha256};
    return std::nullopt;
}

}  // namespace

FetchResult download(const ListEntry& entry, const std::string& name, std::int64_t index, int rank,
                     const DownloadSettings& settings, HttpClient& client) {
    const auto started = Clock::now();
    FetchResult result;
    result.index = index;
    result.line = entry.line;
    result.url = entry.url;
    result.file = name;
    result.rank = rank;
    result.status = "failed";
    const auto finish = [&](FetchResult r) {
        r.seconds = std::chrono::duration<double>(Clock::now() - started).count();
        return r;
    };

    try {
        if (!settings.force)
            if (auto skipped = already_complete(entry, settings.out / name, result)) return finish(*skipped);

        PartFile part(settings.out, name);
        Sha256 hash;
        bool resumable = false;
        for (int attempt = 1;; ++attempt) {
            result.attempts = attempt;
            const std::int64_t offset = resumable ? part.size() : 0;
            if (offset == 0 && part.size() > 0) {
                part.restart();
                hash.reset();
            }
            Attempt body(entry, settings, part, hash);
            const Response response = client.get(
                entry.url, offset, [&](const Response& r) { return body.start(r, offset); },
                [&](const char* data, std::size_t size) { return body.data(data, size); });
            result.http_status = response.status;
            result.bytes = part.size();

            std::optional<Failure> failure = body.stopped();
            if (!failure && response.curl_code != CURLE_OK) failure = transfer_failure(response, settings);
            if (!failure && response.status >= 400)
                failure = Failure{"HTTP " + std::to_string(response.status), retryable_status(response.status)};
            if (!failure) {
                const std::string digest = hash.hex();
                failure = verify(entry, part, digest);
                if (!failure) {
                    part.commit();
                    result.status = "ok";
                    result.sha256 = digest;
                    return finish(result);
                }
            }
            if (!failure->retryable || attempt > settings.retries) {
                result.error = failure->reason;
                return finish(result);
            }
            resumable = response.accepts_ranges && part.size() > 0;
            const double wait = response.retry_after ? std::min(*response.retry_after, settings.max_retry_after)
                                                     : backoff_seconds(attempt, settings.retry_delay);
            std::this_thread::sleep_for(std::chrono::duration<double>(wait));
        }
    } catch (const std::exception& e) {  // the file system: cannot create, write, rename
        result.error = e.what();
        return finish(result);
    }
}

}  // namespace rankpool::fetch
