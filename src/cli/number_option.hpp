#pragma once
// Integer and seconds options parsed strictly: the whole text must be a number in [min, max].
// (CLI11's own conversion wraps "-1" into a huge unsigned value, takes "nan" for a number and
// prints double ranges.)
#include <CLI/CLI.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>

namespace rankpool::cli {

template <class T>
CLI::Option* add_number_option(CLI::App& app, const std::string& name, T& value, const std::string& help,
                               T min = std::numeric_limits<T>::min(), T max = std::numeric_limits<T>::max()) {
    auto* option = app.add_option_function<std::string>(
        name,
        [&value](const std::string& text) {
            T parsed{};
            // from_chars only fails or stops early on bad text; the bounds are checked below.
            const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), parsed);
            if (error == std::errc() && end == text.data() + text.size()) value = parsed;
        },
        help);
    option->check(CLI::Validator(
        [min, max](std::string& text) -> std::string {
            T parsed{};
            const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), parsed);
            if (error != std::errc() || end != text.data() + text.size() || parsed < min || parsed > max)
                return "'" + text + "' is not a whole number from " + std::to_string(min) + " to " +
                       std::to_string(max);
            return {};
        },
        ""));
    option->type_name("INT")->default_str(std::to_string(value));
    return option;
}

// Seconds: a finite decimal number ("0.5", "30", "1e-3") from min (or above it, when
// !min_allowed) to max. max keeps every conversion (to milliseconds for libcurl) in range.
inline std::optional<double> parse_seconds(const std::string& text, double min, bool min_allowed, double max) {
    double parsed = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(parsed) || parsed < min ||
        (parsed == min && !min_allowed) || parsed > max)
        return std::nullopt;
    return parsed;
}

inline CLI::Option* add_seconds_option(CLI::App& app, const std::string& name, double& value, const std::string& help,
                                       bool zero_allowed, double max = 1e6) {
    auto* option = app.add_option_function<std::string>(
        name,
        [&value, zero_allowed, max](const std::string& text) {
            if (const auto seconds = parse_seconds(text, 0, zero_allowed, max))
                value = *seconds;  // else: the check says why
        },
        help);
    option->check(CLI::Validator(
        [zero_allowed, max](std::string& text) -> std::string {
            if (parse_seconds(text, 0, zero_allowed, max)) return {};
            char range[64];
            std::snprintf(range, sizeof range, zero_allowed ? "from 0 to %.0f" : "greater than 0, at most %.0f", max);
            return "'" + text + "' is not a number of seconds " + range;
        },
        ""));
    char shown[32];
    std::snprintf(shown, sizeof shown, "%g", value);
    option->type_name("S")->default_str(shown);
    return option;
}

}  // namespace rankpool::cli
