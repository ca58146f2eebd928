#include "fetch/http_transfer.hpp"

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

constexpr long receive_buffer = 256 * 1024;  // fewer, larger writes than libcurl's 16 kB default

}  // namespace

struct HttpTransfer::State {
    Response response;
    HttpTransfer::StartSink on_start;
    HttpTransfer::DataSink on_data;
    double stall_timeout = 30;
    bool started = false;
    bool discard = false;  // an error response's body
    bool stalled = false;
    curl_off_t last_received = -1;
    Clock::time_point last_byte_at = Clock::now();
    std::exception_ptr error;
};

namespace {

using State = HttpTransfer::State;

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
size_t read_header(const std::string& line, State& t) {
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
        return read_header(std::string(data, size * count), *static_cast<State*>(user));
    } catch (...) {
        static_cast<State*>(user)->error = std::current_exception();  // never into libcurl's C frames
        return 0;
    }
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto& t = *static_cast<State*>(user);
    const size_t bytes = size * count;
    try {
        if (!t.started) {
            t.started = true;
            t.discard = t.response.status >= 400;
            if (!t.discard && !t.on_start(t.response)) return 0;
        }
        if (t.discard) return bytes;
        return t.on_data(data, bytes) ? bytes : 0;
    } catch (...) {
        t.error = std::current_exception();  // never let an exception cross libcurl's C frames
        return 0;
    }
}

// libcurl calls this at least once a second: abort when no byte arrived for stall_timeout.
// (CURLOPT_LOW_SPEED_TIME would average over a window of several seconds instead.)
int on_progress(void* user, curl_off_t, curl_off_t received, curl_off_t, curl_off_t) {
    auto& t = *static_cast<State*>(user);
    const auto now = Clock::now();
    if (received != t.last_received) {
        t.last_received = received;
        t.last_byte_at = now;
        return 0;
    }
    t.stalled = std::chrono::duration<double>(now - t.last_byte_at).count() > t.stall_timeout;
    return t.stalled ? 1 : 0;
}

const char* protocol_name(long version) {
    switch (version) {
        case CURL_HTTP_VERSION_1_0: return "HTTP/1.0";
        case CURL_HTTP_VERSION_1_1: return "HTTP/1.1";
        case CURL_HTTP_VERSION_2_0: return "HTTP/2";
        case CURL_HTTP_VERSION_3: return "HTTP/3";
        default: return "";
    }
}

}  // namespace

void init_http() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw Error("cannot initialise libcurl");
    });
}

HttpTransfer::HttpTransfer(const TransferSettings& settings) : curl_(curl_easy_init()), settings_(settings) {
    static_assert(sizeof error_text_ >= CURL_ERROR_SIZE);
    if (curl_ == nullptr) throw Error("cannot create a libcurl handle");
    curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl_, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl_, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl_, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM-based timeouts
    curl_easy_setopt(curl_, CURLOPT_USERAGENT, "rankpool/" RANKPOOL_VERSION);
    // HTTP/2 where TLS's ALPN says the server speaks it; HTTP/1.1 otherwise and for http://.
    curl_easy_setopt(curl_, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYHOST, 2L);
    if (settings.ca_bundle) curl_easy_setopt(curl_, CURLOPT_CAINFO, settings.ca_bundle->c_str());
    curl_easy_setopt(curl_, CURLOPT_BUFFERSIZE, receive_buffer);
    // At least 1 ms: libcurl reads 0 as its default (300 s), not as "at once".
    const long connect_ms = std::max(1L, static_cast<long>(std::ceil(settings.connect_timeout * 1000)));
    curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
    curl_easy_setopt(curl_, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl_, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, error_text_);
}

HttpTransfer::~HttpTransfer() { curl_easy_cleanup(curl_); }

void HttpTransfer::prepare(const std::string& url, std::int64_t offset, const std::string& proxy, StartSink on_start,
                           DataSink on_data) {
    state_ = std::make_unique<State>();
    state_->on_start = std::move(on_start);
    state_->on_data = std::move(on_data);
    state_->stall_timeout = settings_.stall_timeout;
    error_text_[0] = '\0';
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    // Over TLS, a second transfer to the same server waits for the first connection's ALPN and
    // then shares it as an HTTP/2 stream. Plain http is HTTP/1.1: libcurl would learn that only
    // from the first response, so there every transfer opens its own connection at once.
    curl_easy_setopt(curl_, CURLOPT_PIPEWAIT, to_lower(url.substr(0, 8)) == "https://" ? 1L : 0L);
    // "" turns off libcurl's own reading of the proxy variables: the caller decided (fetch/proxy.hpp).
    curl_easy_setopt(curl_, CURLOPT_PROXY, proxy.c_str());
    // CURLOPT_RANGE rather than RESUME_FROM: a server that ignores the Range and answers 200
    // is fine (the sink restarts the file); RESUME_FROM would fail the transfer instead.
    const std::string range = std::to_string(offset) + "-";
    curl_easy_setopt(curl_, CURLOPT_RANGE, offset > 0 ? range.c_str() : nullptr);
    curl_easy_setopt(curl_, CURLOPT_HEADERDATA, state_.get());
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, state_.get());
    curl_easy_setopt(curl_, CURLOPT_XFERINFODATA, state_.get());
}

Response HttpTransfer::finish(int result) {
    auto& t = *state_;
    const auto code = static_cast<CURLcode>(result);
    if (t.error) std::rethrow_exception(t.error);
    // An empty successful body never reaches on_body: let the sink see its start all the same.
    if (code == CURLE_OK && !t.started && t.response.status < 400) t.on_start(t.response);
    Response& r = t.response;
    r.curl_code = t.stalled ? CURLE_OPERATION_TIMEDOUT : code;
    r.stalled = t.stalled;
    r.curl_error = error_text_[0] ? error_text_ : curl_easy_strerror(code);
    long version = 0;
    if (r.status > 0 && curl_easy_getinfo(curl_, CURLINFO_HTTP_VERSION, &version) == CURLE_OK)
        r.protocol = protocol_name(version);
    curl_easy_getinfo(curl_, CURLINFO_SSL_VERIFYRESULT, &r.tls_verify_result);
    curl_easy_getinfo(curl_, CURLINFO_HTTP_CONNECTCODE, &r.proxy_status);
    return r;
}

}  // namespace rankpool::fetch
