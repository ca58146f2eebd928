#pragma once
// What rankpool-limits prints, or writes with --report.
#include <nlohmann/json.hpp>

#include <string>

#include "limits/measure.hpp"

namespace rankpool::limits {

// One line: "limits (s, max over 2 ranks): generate 0.0101 | ... | total 0.1100".
std::string format_line(const LimitsResult& result);

// {"command": "limits", "ranks", "n", "dtype_in", "dtype_out", "bytes_in", "bytes_out", "counts",
//  "phases": {name: {"min", "mean", "max"}}, "peak_rss_bytes": {"max", "min", "per_rank"}}
nlohmann::ordered_json report_json(const LimitsResult& result);

}  // namespace rankpool::limits
