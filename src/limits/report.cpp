#include "limits/report.hpp"

#include "square/report.hpp"

namespace rankpool::limits {

std::string format_line(const LimitsResult& result) { return format_phase_line("limits", result.ranks, result.phases); }

nlohmann::ordered_json report_json(const LimitsResult& result) {
    return {
        {"command", "limits"},
        {"ranks", result.ranks},
        {"n", result.n},
        {"dtype_in", std::string(dtype_name(result.dtype_in))},
        {"dtype_out", std::string(dtype_name(result.dtype_out))},
        {"bytes_in", result.n * static_cast<std::int64_t>(dtype_size(result.dtype_in))},
        {"bytes_out", result.n * static_cast<std::int64_t>(dtype_size(result.dtype_out))},
        {"counts", result.counts},
        {"phases", phases_json(result.phases)},
        {"peak_rss_bytes", peak_rss_json(result.peak_rss)},
    };
}

}  // namespace rankpool::limits
