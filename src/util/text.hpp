#pragma once
// Small text helpers shared by the parsers and the reports.
#include <algorithm>
#include <cctype>
#include <ctime>
#include <string>
#include <string_view>

namespace rankpool {

// ASCII lower case (HTTP header names, URL schemes, hex digits).
inline std::string to_lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

// "2026-11-25T01:30:00Z": now, in UTC, for reports.
inline std::string utc_now_iso8601() {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

}  // namespace rankpool
