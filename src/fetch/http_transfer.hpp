#pragma once
// One libcurl easy handle, configured for rankpool's rules: http/https only (also after
// redirects, at most 10 hops), certificates always verified, HTTP/2 over TLS where the server
// offers it, a stall timeout, bodies of error responses never delivered. A TransferPool runs
// many of them at once through libcurl's multi interface; each attempt is prepare() ... finish().
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

typedef void CURL;

namespace rankpool::fetch {

// Call once per process, before the first transfer.
void init_http();

struct TransferSettings {
    double stall_timeout = 30;  // abort when no byte arrives for this long (checked about once a second)
    double connect_timeout = 10;
    std::optional<std::filesystem::path> ca_bundle{};  // PEM file of trusted CAs; none: the system's
};

// The final response of one attempt (after redirects).
struct Response {
    int curl_code = 0;           // CURLcode; 0 = the transfer completed
    std::string curl_error;      // libcurl's explanation when curl_code != 0
    long status = 0;             // HTTP status; 0 if none arrived
    std::string protocol;        // "HTTP/2", "HTTP/1.1", ...; empty if no response
    long tls_verify_result = 0;  // OpenSSL's X509_V_* code of the peer's certificate
    long proxy_status = 0;       // the proxy's answer to CONNECT, if one was asked
    std::optional<std::int64_t> content_length;
    // Content-Range of a 206 answer: bytes first-last/total.
    std::optional<std::int64_t> range_first, range_last, range_total;
    std::optional<double> retry_after;  // seconds
    bool accepts_ranges = false;
    bool stalled = false;  // aborted: no byte arrived for stall_timeout
};

class HttpTransfer {
public:
    explicit HttpTransfer(const TransferSettings& settings);
    ~HttpTransfer();
    HttpTransfer(const HttpTransfer&) = delete;
    HttpTransfer& operator=(const HttpTransfer&) = delete;

    // Called before the first body byte of a final response below 400 (also for an empty
    // body); false aborts the transfer.
    using StartSink = std::function<bool(const Response&)>;
    // Called with each piece of that body; false aborts the transfer.
    using DataSink = std::function<bool(const char* data, std::size_t size)>;

    // Sets up a GET of url, from byte `offset` on when offset > 0 (a Range request), through
    // `proxy` ("" = directly). The handle is then ready for curl_multi_add_handle.
    void prepare(const std::string& url, std::int64_t offset, const std::string& proxy, StartSink on_start,
                 DataSink on_data);
    // The attempt ended with `code` (from the multi handle's message). An exception thrown by a
    // sink is rethrown here.
    Response finish(int code);

    CURL* handle() const { return curl_; }

    struct State;  // what the callbacks see during one attempt

private:
    CURL* curl_;
    TransferSettings settings_;
    std::unique_ptr<State> state_;
    char error_text_[256] = "";  // CURL_ERROR_SIZE (checked in the .cpp)
};

}  // namespace rankpool::fetch
