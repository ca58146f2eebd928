#pragma once
// The two outputs a person or a script reads: the printed head and timings, and the JSON report.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <type_traits>

#include <string>
#include <vector>

#include "square/options.hpp"
#include "square/result.hpp"

namespace rankpool {

// The first values of the result the way pandas prints a Series:
//   0    3364
//   1     441
//   Name: squared, dtype: int64
// Floats as pandas shows them: 6 decimals with the zeros every value ends in trimmed, or
// scientific notation when any value is above 1e6 or below 1e-6.
std::string format_head(const std::vector<std::string>& values, const std::string& dtype);

using Phases = std::vector<std::pair<std::string, PhaseStats>>;

// One line: "LABEL (s, max over 4 ranks): generate 0.0310 | ... | total 0.2100" (also rankpool-limits').
std::string format_phase_line(const std::string& label, int ranks, const Phases& phases);
// "4 ranks", or on several nodes "6 ranks on 3 nodes (node1: 2, node2: 2, node3: 2)"
std::string format_ranks(const SquareResult& result);
// "timings (s, max over 4 ranks): ..."
std::string format_timings(const SquareResult& result);
// The reports' {"phase": {"min", "mean", "max"}} and {"max", "min", "per_rank"} (also rankpool-limits').
nlohmann::ordered_json phases_json(const Phases& phases);
nlohmann::ordered_json peak_rss_json(const std::vector<std::uint64_t>& per_rank);
// "peak memory (RSS): 85.2 MB on rank 0, largest 85.2 MB, smallest 41.0 MB"
std::string format_peak_memory(const SquareResult& result);

nlohmann::ordered_json report_json(const SquareResult& result, const SquareOptions& options);

// A value as text, exactly: integers in full, floats with enough digits to read back the same
// double (format_head rounds them for display the way pandas does).
template <class T>
std::string value_text(T value) {
    if constexpr (std::is_floating_point_v<T>) {
        char text[32];
        std::snprintf(text, sizeof text, "%.17g", static_cast<double>(value));
        return text;
    } else if constexpr (std::is_signed_v<T>) {
        return std::to_string(static_cast<long long>(value));
    } else {
        return std::to_string(static_cast<unsigned long long>(value));
    }
}

}  // namespace rankpool
