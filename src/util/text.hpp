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

// The length (1 to 4) of the well-formed UTF-8 sequence that starts at text[i], or 0 when the
// bytes there are not one (Unicode's table 3-7: no overlong forms, no surrogates, nothing
// beyond U+10FFFF, nothing cut short).
inline std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0u; };
    const unsigned lead = byte(0);
    if (lead < 0x80) return 1;
    std::size_t length = 0;
    unsigned low = 0x80, high = 0xBF;  // the range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) low = 0xA0;   // overlong
        if (lead == 0xED) high = 0x9F;  // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) low = 0x90;   // overlong
        if (lead == 0xF4) high = 0x8F;  // beyond U+10FFFF
    } else {
        return 0;
    }
    if (byte(1) < low || byte(1) > high) return 0;
    for (std::size_t k = 2; k < length; ++k)
        if (byte(k) < 0x80 || byte(k) > 0xBF) return 0;
    return length;
}

inline bool valid_utf8(std::string_view text) {
    for (std::size_t i = 0, length; i < text.size(); i += length)
        if ((length = utf8_sequence_length(text, i)) == 0) return false;
    return true;
}

// A message for the terminal, whatever text from the user it quotes (a binary file's first
// line, a file name with a newline): one line of valid UTF-8 without control characters
// (each C0 or C1 control, and each byte that is not part of valid UTF-8, becomes \xNN), at most
// about max_bytes long (a longer one keeps its start and its end and says how much was left out).
inline std::string printable_message(std::string_view text, std::size_t max_bytes = 1000) {
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        const std::size_t length = utf8_sequence_length(text, i);
        const bool control = (length == 1 && (c < 0x20 || c == 0x7F)) ||
                             (length == 2 && c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0);
        if (length == 0 || control) {  // a C1 control's two bytes are escaped one at a time
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
