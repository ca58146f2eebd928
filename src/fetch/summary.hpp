#pragma once
// The end of a fetch: the table, the totals, the JSON report, the list of failed lines.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "fetch/result.hpp"
#include "fetch/url_list.hpp"

namespace rankpool::fetch {

// One row per list line: file, status, http, bytes, attempts, seconds, rank, error.
std::string format_table(const std::vector<FetchResult>& results);
// "10 files: 9 ok, 0 skipped, 1 failed; 123456 bytes in 1.23 s (0.10 MB/s)"
std::string format_totals(const std::vector<FetchResult>& results, double seconds);

struct RunInfo {
    int ranks = 1;
    int parallel = 1;  // transfers in flight per rank
    std::string schedule, list, out;
    double seconds = 0;
};
nlohmann::ordered_json report_json(const std::vector<FetchResult>& results, const RunInfo& info);

// The failed lines in list form, one per line, each with name= so a rerun writes the same files.
std::string failed_list(const std::vector<FetchResult>& results, const std::vector<ListEntry>& entries);

bool all_succeeded(const std::vector<FetchResult>& results);

}  // namespace rankpool::fetch
