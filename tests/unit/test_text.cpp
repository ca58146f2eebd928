#include <catch2/catch.hpp>

#include <string>

#include "util/text.hpp"

using namespace rankpool;

TEST_CASE("utf8_sequence_length follows Unicode's table of well-formed sequences", "[text]") {
    CHECK(utf8_sequence_length("a", 0) == 1);
    CHECK(utf8_sequence_length("\xC3\xA9", 0) == 2);          // é
    CHECK(utf8_sequence_length("\xE2\x82\xAC", 0) == 3);      // €
    CHECK(utf8_sequence_length("\xF0\x9F\x98\x80", 0) == 4);  // an emoji
    CHECK(utf8_sequence_length("\xC0\xAF", 0) == 0);          // overlong '/'
    CHECK(utf8_sequence_length("\xE0\x80\xAF", 0) == 0);      // overlong, 3 bytes
    CHECK(utf8_sequence_length("\xED\xA0\x80", 0) == 0);      // a surrogate
    CHECK(utf8_sequence_length("\xF4\x90\x80\x80", 0) == 0);  // beyond U+10FFFF
    CHECK(utf8_sequence_length("\xE2\x82", 0) == 0);          // cut short
    CHECK(utf8_sequence_length("\x80", 0) == 0);              // a lone continuation byte
    CHECK(valid_utf8("caf\xC3\xA9"));
    CHECK_FALSE(valid_utf8("caf\xC3"));
}

TEST_CASE("printable_message makes one line of valid UTF-8 without control characters", "[text]") {
    CHECK(printable_message("plain caf\xC3\xA9 \xE2\x82\xAC") == "plain caf\xC3\xA9 \xE2\x82\xAC");
    CHECK(printable_message(std::string("a\nb\tc\0d", 7)) == "a\\x0ab\\x09c\\x00d");
    CHECK(printable_message("\x1B[31mred") == "\\x1b[31mred");  // a terminal escape
    CHECK(printable_message("\xC2\x9B"
                            "31m") == "\\xc2\\x9b31m");                      // C1 CSI, escaped too
    CHECK(printable_message("\xFF\xED\xA0\x80") == "\\xff\\xed\\xa0\\x80");  // not UTF-8, a surrogate
    const std::string long_text = std::string(3000, 'x') + "END";
    const std::string shortened = printable_message(long_text, 1000);
    CHECK(shortened.size() < 1100);
    CHECK(shortened.starts_with(std::string(600, 'x')));
    CHECK(shortened.ends_with("xEND"));
    CHECK(shortened.find("bytes left out") != std::string::npos);
}
