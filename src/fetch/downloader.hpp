#pragma once
// One line of the list, start to finish: skip if already complete, otherwise download with
// retries into a temporary file, verify (status, length, size=, sha256=), rename into place.
#include <cstdint>
#include <filesystem>
#include <string>

#include "fetch/http_client.hpp"
#include "fetch/result.hpp"
#include "fetch/url_list.hpp"

namespace rankpool::fetch {

struct DownloadSettings {
    std::filesystem::path out = "downloads";
    TransferLimits limits;
    std::int64_t max_size = 0;  // bytes; 0 = no limit
    int retries = 3;
    double retry_delay = 1.0;     // seconds, base of the exponential backoff
    double max_retry_after = 60;  // cap on a server's Retry-After
    bool force = false;
};

// Never throws for a problem with this one download: it is reported in the result.
FetchResult download(const ListEntry& entry, const std::string& name, std::int64_t index, int rank,
                     const DownloadSettings& settings, HttpClient& client);

}  // namespace rankpool::fetch
