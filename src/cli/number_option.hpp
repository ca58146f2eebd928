#pragma once
// Integer options parsed strictly: the whole text must be a number in [min, max].
// (CLI11's own conversion wraps "-1" into a huge unsigned value and prints double ranges.)
#include <CLI/CLI.hpp>

#include <charconv>
#include <limits>
#include <string>

namespace rankpool::cli {

template <class T>
CLI::Option* add_number_option(CLI::App& app, const std::string& name, T& value, const std::string& help,
                               T min = std::numeric_limits<T>::min(), T max = std::numeric_limits<T>::max()) {
    auto* option = app.add_option_function<std::string>(
        name, [&value](const std::string& text) {
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
                return "'" + text + "' is not a whole number from " + std::to_string(min) + " to " + std::to_string(max);
            return {};
        },
        ""));
    option->type_name("INT")->default_str(std::to_string(value));
    return option;
}

}  // namespace rankpool::cli
