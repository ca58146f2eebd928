#include "square/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "util/hosts.hpp"
#include "util/memory.hpp"
#include "version.hpp"

namespace rankpool {

namespace {

// pandas trims the decimal zeros that every shown value ends in (keeping one): 1.50, 4.25.
void trim_common_zeros(std::vector<std::string>& values) {
    const auto trimmable = [](const std::string& v) {
        const auto dot = v.find('.');
        return dot == std::string::npos || (v.size() > dot + 2 && v.back() == '0');
    };
    const auto has_decimals = [](const std::string& v) { return v.find('.') != std::string::npos; };
    if (std::none_of(values.begin(), values.end(), has_decimals)) return;
    while (std::all_of(values.begin(), values.end(), trimmable))
        for (auto& v : values)
            if (has_decimals(v)) v.pop_back();
}

std::vector<std::string> pandas_floats(const std::vector<std::string>& values) {
    std::vector<double> numbers;
    bool scientific = false;
    for (const auto& v : values) {
        const double x = std::strtod(v.c_str(), nullptr);
        const double magnitude = std::fabs(x);
        if (std::isfinite(x) && (magnitude > 1e6 || (magnitude > 0 && magnitude < 1e-6))) scientific = true;
        numbers.push_back(x);
    }
    std::vector<std::string> shown;
    for (const double x : numbers) {
        char text[32];
        if (std::isnan(x))
            std::snprintf(text, sizeof text, "NaN");
        else if (std::isinf(x))
            std::snprintf(text, sizeof text, x > 0 ? "inf" : "-inf");
        else
            std::snprintf(text, sizeof text, scientific ? "%.6e" : "%.6f", x);
        shown.emplace_back(text);
    }
    if (!scientific) trim_common_zeros(shown);
    return shown;
}

}  // namespace

std::string format_head(const std::vector<std::string>& values, const std::string& dtype) {
    if (values.empty()) return "Series([], Name: squared, dtype: " + dtype + ")\n";
    const std::vector<std::string> shown = dtype.starts_with("float") ? pandas_floats(values) : values;
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

std::string format_phase_line(const std::string& label, int ranks, const Phases& phases) {
    std::string text = label + " (s, max over " + std::to_string(ranks) + " rank" + (ranks == 1 ? "" : "s") + "):";
    for (std::size_t i = 0; i < phases.size(); ++i) {
        char value[32];
        std::snprintf(value, sizeof value, "%.4f", phases[i].second.max);
        text += std::string(i ? " |" : "") + " " + phases[i].first + " " + value;
    }
    return text;
}

std::string format_timings(const SquareResult& result) {
    return format_phase_line("timings", result.ranks, result.phases);
}

nlohmann::ordered_json phases_json(const Phases& phases) {
    nlohmann::ordered_json json = nlohmann::ordered_json::object();
    for (const auto& [name, stats] : phases)
        json[name] = {{"min", stats.min}, {"mean", stats.mean}, {"max", stats.max}};
    return json;
}

nlohmann::ordered_json peak_rss_json(const std::vector<std::uint64_t>& per_rank) {
    if (per_rank.empty()) return {{"max", 0}, {"min", 0}, {"per_rank", per_rank}};
    const auto [lo, hi] = std::minmax_element(per_rank.begin(), per_rank.end());
    return {{"max", *hi}, {"min", *lo}, {"per_rank", per_rank}};
}

std::string format_peak_memory(const SquareResult& result) {
    if (result.peak_rss_bytes.empty()) return {};
    const auto [lo, hi] = std::minmax_element(result.peak_rss_bytes.begin(), result.peak_rss_bytes.end());
    return "peak memory (RSS): " + format_bytes(result.peak_rss_bytes[0]) + " on rank 0, largest " + format_bytes(*hi) +
           ", smallest " + format_bytes(*lo);
}

namespace {
nlohmann::ordered_json ranks_per_node_json(const std::vector<std::string>& rank_hosts) {
    nlohmann::ordered_json nodes = nlohmann::ordered_json::object();
    for (const auto& [host, ranks] : ranks_per_host(rank_hosts)) nodes[host] = ranks;
    return nodes;
}
}  // namespace

std::string format_ranks(const SquareResult& result) {
    std::string text = std::to_string(result.ranks) + " rank" + (result.ranks == 1 ? "" : "s");
    const auto nodes = ranks_per_host(result.rank_hosts);
    if (nodes.size() < 2) return text;
    text += " on " + std::to_string(nodes.size()) + " nodes (";
    for (const auto& [host, ranks] : nodes)
        text += (text.back() == '(' ? "" : ", ") + host + ": " + std::to_string(ranks);
    return text + ")";
}

nlohmann::ordered_json report_json(const SquareResult& result, const SquareOptions& options) {
    nlohmann::ordered_json report = {
        {"command", "square"},
        {"rankpool_version", RANKPOOL_VERSION},
        {"host", result.host},
        {"started", result.started},
        {"io", std::string(io_mode_name(options.io))},
        {"ranks", result.ranks},
        {"nodes", ranks_per_host(result.rank_hosts).size()},
        {"ranks_per_node", ranks_per_node_json(result.rank_hosts)},
        {"rank_hosts", result.rank_hosts},
        {"n", result.n},
        {"counts", result.counts},
        {"dtype_in", std::string(dtype_name(result.dtype_in))},
        {"dtype_out", std::string(dtype_name(result.dtype_out))},
        {"repeat", options.repeat},
        {"output", options.output.string()},
        {"phases", phases_json(result.phases)},
    };
    if (options.chunk_elements() > 0 && result.n > 0)  // the chunk as stored (clamped to n); empty stays contiguous
        report["layout"] = {{"chunk", std::min(options.chunk_elements(), result.n)}, {"compress", options.compress}};
    if (!result.peak_rss_bytes.empty()) report["peak_rss_bytes"] = peak_rss_json(result.peak_rss_bytes);
    if (options.io == IoMode::parallel) {
        // Whether HDF5 really did each transfer collectively, or fell back to independent I/O.
        nlohmann::ordered_json transfers = nlohmann::ordered_json::object();
        for (const auto& [name, causes] : result.no_collective_causes)
            transfers[name] = {{"collective", causes.empty()}, {"no_collective_cause", causes}};
        report["collective_io"] = transfers;
    }
    if (options.input)
        report["source"] = result.source;
    else
        report["seed"] = options.seed;
    return report;
}

}  // namespace rankpool
