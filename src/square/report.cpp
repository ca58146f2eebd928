#include "square/report.hpp"

#include <algorithm>
#include <cstdio>

#include "version.hpp"

namespace rankpool {

namespace {
// pandas shows a float column with the fewest decimals that keep every shown value exact
// (at most 6): 1.5, 4.25 -> "1.50", "4.25".
void trim_common_zeros(std::vector<std::string>& values) {
    if (values.empty() || values[0].find('.') == std::string::npos) return;
    for (;;) {
        const bool all_end_in_zero = std::all_of(values.begin(), values.end(), [](const std::string& v) {
            const auto dot = v.find('.');
            return dot != std::string::npos && v.size() > dot + 2 && v.back() == '0';
        });
        if (!all_end_in_zero) return;
        for (auto& v : values) v.pop_back();
    }
}
}  // namespace

std::string format_head(const std::vector<std::string>& values, const std::string& dtype) {
    if (values.empty()) return "Series([], Name: squared, dtype: " + dtype + ")\n";
    std::vector<std::string> shown = values;
    trim_common_zeros(shown);
    const std::size_t index_width = std::to_string(shown.size() - 1).size();
    std::size_t value_width = 0;
    for (const auto& v : shown) value_width = std::max(value_width, v.size());
    std::string text;
    for (std::size_t i = 0; i < shown.size(); ++i) {
        std::string index = std::to_string(i);
        index.resize(index_width, ' ');
        text += index + "    " + std::string(value_width - shown[i].size(), ' ') + shown[i] + "\n";
    }
    return text + "Name: squared, dtype: " + dtype + "\n";
}

std::string format_timings(const SquareResult& result) {
    std::string text = "timings (s, max over " + std::to_string(result.ranks) + " rank" +
                       (result.ranks == 1 ? "" : "s") + "):";
    for (std::size_t i = 0; i < result.phases.size(); ++i) {
        char value[32];
        std::snprintf(value, sizeof value, "%.4f", result.phases[i].second.max);
        text += std::string(i ? " |" : "") + " " + result.phases[i].first + " " + value;
    }
    return text;
}

nlohmann::ordered_json report_json(const SquareResult& result, const SquareOptions& options) {
    nlohmann::ordered_json phases = nlohmann::ordered_json::object();
    for (const auto& [name, stats] : result.phases)
        phases[name] = {{"min", stats.min}, {"mean", stats.mean}, {"max", stats.max}};
    nlohmann::ordered_json report = {
        {"command", "square"},
        {"rankpool_version", RANKPOOL_VERSION},
        {"io", "root"},
        {"ranks", result.ranks},
        {"n", result.n},
        {"counts", result.counts},
        {"dtype_in", std::string(dtype_name(result.dtype_in))},
        {"dtype_out", std::string(dtype_name(result.dtype_out))},
        {"repeat", options.repeat},
        {"output", options.output.string()},
        {"phases", phases},
    };
    if (options.input) report["source"] = result.source;
    else report["seed"] = options.seed;
    return report;
}

}  // namespace rankpool
