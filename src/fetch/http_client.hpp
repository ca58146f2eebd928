#pragma once
// One HTTP GET with libcurl, wrapped for rankpool's rules: http/https only (also after
// redirects, at most 10 hops), a stall timeout, bodies of error responses never delivered.
#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <string>

typedef void CURL;

namespace rankpool::fetch {

// Call once per process, before any thread starts a transfer.
void init_http();

struct TransferLimits {
    double stall_timeout = 30;  // abort when no byte arrives for this long (checked about once a second)
    double connect_timeout = 10;
};

// The final response of one attempt (after redirects).
struct Response {
    int curl_code = 0;       // CURLcode; 0 = the transfer completed
    std::string curl_error;  // libcurl's explanation when curl_code != 0
    long status = 0;         // HTTP status; 0 if none arrived
    std::optional<std::int64_t> content_length;
    // Content-Range of a 206 answer: bytes first-last/total.
    std::optional<std::int64_t> range_first, range_last, range_total;
    std::optional<double> retry_after;  // seconds
    bool accepts_ranges = false;
    bool stalled = false;  // aborted: no byte arrived for stall_timeout
};

class HttpClient {
public:
    explicit HttpClient(const TransferLimits& limits);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Called before the first body byte of a final response below 400 (also for an empty
    // body); false aborts the transfer.
    using StartSink = std::function<bool(const Response&)>;
    // Called with each piece of that body; false aborts the transfer.
    using DataSink = std::function<bool(const char* data, std::size_t size)>;

    // GETs url, from byte `offset` on when offset > 0 (a Range request). An exception thrown
    // by a sink aborts the transfer and is rethrown here.
    Response get(const std::string& url, std::int64_t offset, const StartSink& on_start, const DataSink& on_data);

private:
    CURL* curl_;
    TransferLimits limits_;
};

}  // namespace rankpool::fetch
