#pragma once
// Small text helpers shared by the parsers.
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace rankpool {

// ASCII lower case (HTTP header names, URL schemes, hex digits).
inline std::string to_lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

}  // namespace rankpool
