#include "limits/report.hpp"

#include <algorithm>
#include <cstdio>

namespace rankpool::limits {

std::string format_line(const LimitsResult& result) {
    std::string text = "limits (s, max over " + std::to_string(result.ranks) + " rank" +
                       (result.ranks == 1 ? "" : "s") + "):";
    for (std::size_t i = 0; i < result.phases.size(); ++i) {
        char value[32];
        std::snprintf(value, sizeof value, "%.4f", result.phases[i].second.max);
        text += std::string(i ? " |" : "") + " " + result.phases[i].first + " " + value;
    }
    return text;
}

nlohmann::ordered_json report_json(const LimitsResult& result) {
    nlohmann::ordered_json phases = nlohmann::ordered_json::object();
    for (const auto& [name, stats] : result.phases)
        phases[name] = {{"min", stats.min}, {"mean", stats.mean}, {"max", stats.max}};
    const auto& rss = result.peak_rss;
    const auto [rss_min, rss_max] = std::minmax_element(rss.begin(), rss.end());
    return {
        {"command", "limits"},
        {"ranks", result.ranks},
        {"n", result.n},
        {"dtype_in", std::string(dtype_name(result.dtype_in))},
        {"dtype_out", std::string(dtype_name(result.dtype_out))},
        {"bytes_in", result.n * static_cast<std::int64_t>(dtype_size(result.dtype_in))},
        {"bytes_out", result.n * static_cast<std::int64_t>(dtype_size(result.dtype_out))},
        {"counts", result.counts},
        {"phases", phases},
        {"peak_rss_bytes", {{"min", rss.empty() ? 0 : *rss_min}, {"max", rss.empty() ? 0 : *rss_max}, {"per_rank", rss}}},
    };
}

}  // namespace rankpool::limits
