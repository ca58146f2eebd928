#include "fetch/http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <mutex>

#include "util/error.hpp"
#include "util/text.hpp"
#include "version.hpp"

namespace rankpool::fetch {

namespace {

using Clock = std::chrono::steady_clock;

struct Transfer {
    Transfer(const HttpClient::StartSink& start, const HttpClient::DataSink& data, double stall)
        : on_start(&start), on_data(&data), stall_timeout(stall) {}

    Response response;
    const HttpClient::StartSink* on_start;
    const HttpClient::DataSink* on_data;
    double stall_timeout;
    bool started = false;
    bool discard = false;  // an error response's body
    bool stalled = false;
    curl_off_t last_received = -1;
    Clock::time_point last_byte_at = Clock::now();
    std::exception_ptr error;
};

std::string trimmed_lower(std::string text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    text.erase(0, text.find_first_not_of(" \t"));
    return to_lower(text);
}

std::optional<double> parse_retry_after(const std::string& value) {
    char* end = nullptr;
    const double seconds = std::strtod(value.c_str(), &end);
    if (end != value.c_str() && *end == '\0' && seconds >= 0) return seconds;
    const time_t when = curl_getdate(value.c_str(), nullptr);  // an HTTP date
    if (when < 0) return std::nullopt;
    return std::max(0.0, std::difftime(when, std::time(nullptr)));
}

// "bytes 100-999/1000"; anything else leaves the fields empty (and the 206 is refused).
void parse_content_range(const std::string& value, Response& r) {
    long long first = 0, last = 0, total = 0;
    char end = 0;
    if (std::sscanf(value.c_str(), "bytes %lld-%lld/%lld%c", &first, &last, &total, &end) != 3) return;
    r.range_first = first;
    r.range_last = last;
    r.range_total = total;
}

// One header line; a status line starts a new response (each redirect hop sends one).
size_t read_header(const std::string& line, Transfer& t) {
    if (line.rfind("HTTP/", 0) == 0) {
        Response fresh;
        const auto space = line.find(' ');
        if (space != std::string::npos) fresh.status = std::strtol(line.c_str() + space + 1, nullptr, 10);
        t.response = fresh;
        return line.size();
    }
    const auto colon = line.find(':');
    if (colon == std::string::npos) return line.size();
    const std::string name = trimmed_lower(line.substr(0, colon));
    const std::string value = trimmed_lower(line.substr(colon + 1));
    if (name == "content-length")
        t.response.content_length = std::strtoll(value.c_str(), nullptr, 10);
    else if (name == "accept-ranges")
        t.response.accepts_ranges = value == "bytes";
    else if (name == "retry-after")
        t.response.retry_after = parse_retry_after(value);
    else if (name == "content-range")
        parse_content_range(value, t.response);
    return line.size();
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
    try {
        return read_header(std::string(data, size * count), *static_cast<Transfer*>(user));
    } catch (...) {
        static_cast<Transfer*>(user)->error = std::current_exception();  // never into libcurl's C frames
        return 0;
    }
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto& t = *static_cast<Transfer*>(user);
    const size_t bytes = size * count;
    try {
        if (!t.started) {
            t.started = true;
            t.discard = t.response.status >= 400;
            if (!t.discard && !(*t.on_start)(t.response)) return 0;
        }
        if (t.discard) return bytes;
        return (*t.on_data)(data, bytes) ? bytes : 0;
    } catch (...) {
        t.error = std::current_exception();  // never let an exception cross libcurl's C frames
        return 0;
    }
}

// libcurl calls this at least once a second: abort when no byte arrived for stall_timeout.
// (CURLOPT_LOW_SPEED_TIME would average over a window of several seconds instead.)
int on_progress(void* user, curl_off_t, curl_off_t received, curl_off_t, curl_off_t) {
    auto& t = *static_cast<Transfer*>(user);
    const auto now = Clock::now();
    if (received != t.last_received) {
        t.last_received = received;
        t.last_byte_at = now;
        return 0;
    }
    t.stalled = std::chrono::duration<double>(now - t.last_byte_at).count() > t.stall_timeout;
    return t.stalled ? 1 : 0;
}

}  // namespace

void init_http() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw Error("cannot initialise libcurl");
    });
}

HttpClient::HttpClient(const TransferLimits& limits) : curl_(curl_easy_init()), limits_(limits) {
    if (curl_ == nullptr) throw Error("cannot create a libcurl handle");
    curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl_, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl_, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl_, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM-based timeouts
    curl_easy_setopt(curl_, CURLOPT_USERAGENT, "rankpool/" RANKPOOL_VERSION);
    // At least 1 ms: libcurl reads 0 as its default (300 s), not as "at once".
    const long connect_ms = std::max(1L, static_cast<long>(std::ceil(limits.connect_timeout * 1000)));
    curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
    curl_easy_setopt(curl_, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl_, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, on_body);
}

HttpClient::~HttpClient() { curl_easy_cleanup(curl_); }

Response HttpClient::get(const std::string& url, std::int64_t offset, const StartSink& on_start,
                         const DataSink& on_data) {
    Transfer t(on_start, on_data, limits_.stall_timeout);
    char error_text[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    // CURLOPT_RANGE rather than RESUME_FROM: a server that ignores the Range and answers 200
    // is fine (the sink restarts the file); RESUME_FROM would fail the transfer instead.
    const std::string range = std::to_string(offset) + "-";
    curl_easy_setopt(curl_, CURLOPT_RANGE, offset > 0 ? range.c_str() : nullptr);
    curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(curl_, CURLOPT_XFERINFODATA, &t);
    curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, error_text);
    const CURLcode code = curl_easy_perform(curl_);
    curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, nullptr);
    if (t.error) std::rethrow_exception(t.error);
    // An empty successful body never reaches on_body: let the sink see its start all the same.
    if (code == CURLE_OK && !t.started && t.response.status < 400) on_start(t.response);
    t.response.curl_code = t.stalled ? CURLE_OPERATION_TIMEDOUT : code;
    t.response.stalled = t.stalled;
    t.response.curl_error = error_text[0] ? error_text : curl_easy_strerror(code);
    return t.response;
}

}  // namespace rankpool::fetch
