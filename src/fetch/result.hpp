#pragma once
// What happened to one line of the list: the row of the summary table and of the report.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace rankpool::fetch {

enum class FetchStatus { ok, skipped, failed };

// The words of the report and the summary table. failed comes first: a word not in the table
// reads as failed.
NLOHMANN_JSON_SERIALIZE_ENUM(FetchStatus, {{FetchStatus::failed, "failed"},
                                           {FetchStatus::ok, "ok"},
                                           {FetchStatus::skipped, "skipped"}})

std::string status_name(FetchStatus status);  // the same word as in the report

struct FetchResult {
    std::int64_t index = 0;  // among the URLs, 0-based
    int line = 0;            // in the list file, 1-based
    std::string url;
    std::string file;  // name inside --out
    int rank = 0;
    std::string host{};  // the rank's node
    FetchStatus status = FetchStatus::failed;
    long http_status = 0;  // of the last response; 0 if none
    std::int64_t bytes = 0;
    int attempts = 0;
    double seconds = 0;
    // {}: a designated initialiser may leave these out (GCC 12 warns when a member it omits has none).
    std::optional<std::string> sha256{};
    std::optional<std::string> error{};
    std::optional<std::string> protocol{};  // of the last response: "HTTP/2", "HTTP/1.1", ...
    std::optional<std::string> proxy{};     // the proxy that carried it; none: direct
};

void to_json(nlohmann::ordered_json& j, const FetchResult& r);
void from_json(const nlohmann::ordered_json& j, FetchResult& r);

}  // namespace rankpool::fetch
