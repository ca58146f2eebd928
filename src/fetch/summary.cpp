#include "fetch/summary.hpp"

#include <algorithm>
#include <cstdio>

#include "version.hpp"

namespace rankpool::fetch {

namespace {
std::string fixed(double value, int decimals) {
    char text[32];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}
}  // namespace

std::string format_table(const std::vector<FetchResult>& results) {
    std::vector<std::vector<std::string>> rows = {
        {"file", "status", "http", "bytes", "attempts", "seconds", "rank", "error"}};
    for (const auto& r : results)
        rows.push_back({r.file, status_name(r.status), std::to_string(r.http_status), std::to_string(r.bytes),
                        std::to_string(r.attempts), fixed(r.seconds, 2), std::to_string(r.rank), r.error.value_or("")});
    std::vector<std::size_t> width(rows[0].size(), 0);
    for (const auto& row : rows)
        for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
    std::string text;
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t c = 0; c < row.size(); ++c) {
            std::string cell = row[c];
            if (c + 1 < row.size()) cell.resize(width[c] + 2, ' ');  // the last column is not padded
            line += cell;
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        text += line + "\n";
    }
    return text;
}

std::string format_totals(const std::vector<FetchResult>& results, double seconds) {
    std::int64_t ok = 0, skipped = 0, failed = 0, bytes = 0;
    for (const auto& r : results) {
        switch (r.status) {
            case FetchStatus::ok:
                ++ok;
                bytes += r.bytes;
                break;
            case FetchStatus::skipped: ++skipped; break;
            case FetchStatus::failed: ++failed; break;
        }
    }
    return std::to_string(results.size()) + " files: " + std::to_string(ok) + " ok, " + std::to_string(skipped) +
           " skipped, " + std::to_string(failed) + " failed; " + std::to_string(bytes) + " bytes in " +
           fixed(seconds, 2) + " s (" + fixed(seconds > 0 ? bytes / 1e6 / seconds : 0.0, 2) + " MB/s)";
}

nlohmann::ordered_json report_json(const std::vector<FetchResult>& results, const RunInfo& info) {
    return {{"command", "fetch"},        {"rankpool_version", RANKPOOL_VERSION},
            {"ranks", info.ranks},       {"parallel", info.parallel},
            {"schedule", info.schedule}, {"list", info.list},
            {"out", info.out},           {"seconds", info.seconds},
            {"results", results}};
}

std::string failed_list(const std::vector<FetchResult>& results, const std::vector<ListEntry>& entries) {
    std::string text;
    for (const auto& r : results)
        if (r.status == FetchStatus::failed)
            text += list_line(entries[static_cast<std::size_t>(r.index)], r.file) + "\n";
    return text;
}

bool all_succeeded(const std::vector<FetchResult>& results) {
    return std::none_of(results.begin(), results.end(),
                        [](const FetchResult& r) { return r.status == FetchStatus::failed; });
}

}  // namespace rankpool::fetch
