#pragma once
// Small text helpers shared by the parsers and the reports.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdio>
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

// A message for the terminal, whatever text from the user it quotes (a binary file's first
// line, a file name with a newline): one line of valid UTF-8 without control characters
// (each such byte, and each byte that is not part of valid UTF-8, becomes \xNN), at most about
// max_bytes long (a longer one keeps its start and its end and says how much was left out).
inline std::string printable_message(std::string_view text, std::size_t max_bytes = 1000) {
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (length > 1 && (c == 0xC0 || c == 0xC1 || c > 0xF4)) length = 0;  // overlong or beyond U+10FFFF
        for (std::size_t k = 1; k < length; ++k)
            if (i + k >= text.size() || (static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) length = 0;
        if (length == 0 || (length == 1 && (c < 0x20 || c == 0x7F))) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned>(c));
            out += escaped;
            ++i;
        } else {
            out.append(text.substr(i, length));
            i += length;
        }
    }
    if (out.size() <= max_bytes) return out;
    // Cut at character boundaries: never inside a UTF-8 sequence.
    const auto boundary = [&](std::size_t at) {
        while (at > 0 && at < out.size() && (static_cast<unsigned char>(out[at]) >> 6) == 0x2) --at;
        return at;
    };
    const std::size_t head = boundary(max_bytes * 2 / 3), tail = boundary(out.size() - max_bytes / 3);
    return out.substr(0, head) + "[... " + std::to_string(tail - head) + " bytes left out ...]" + out.substr(tail);
}

}  // namespace rankpool
