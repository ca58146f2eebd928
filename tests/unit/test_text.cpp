#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>

#include "square/options.hpp"
#include "square/report.hpp"
#include "util/pending_file.hpp"
#include "util/text.hpp"

using namespace rankpool;
namespace fs = std::filesystem;

TEST_CASE("the head prints like a pandas Series", "[report]") {
    // pandas: pd.Series([9, 3969, 1], name="squared").head()
    CHECK(format_head({"9", "3969", "1"}, "int64") ==
          "0       9\n"
          "1    3969\n"
          "2       1\n"
          "Name: squared, dtype: int64\n");
    CHECK(format_head({}, "int64") == "Series([], Name: squared, dtype: int64)\n");
}

TEST_CASE("float heads keep the decimals that matter like pandas", "[report]") {
    CHECK(format_head({value_text(2.25), value_text(100.0)}, "float64") ==
          "0      2.25\n"
          "1    100.00\n"
          "Name: squared, dtype: float64\n");
    CHECK(format_head({value_text(4.0)}, "float32") == "0    4.0\nName: squared, dtype: float32\n");
}

TEST_CASE("float heads switch to scientific notation for huge or tiny values like pandas", "[report]") {
    // pandas: pd.Series([9e76, 1.0]) and pd.Series([2.5e-7, 1.0])
    CHECK(format_head({value_text(9e76), value_text(1.0)}, "float64") ==
          "0    9.000000e+76\n"
          "1    1.000000e+00\n"
          "Name: squared, dtype: float64\n");
    CHECK(format_head({value_text(2.5e-7), value_text(1.0)}, "float64") ==
          "0    2.500000e-07\n"
          "1    1.000000e+00\n"
          "Name: squared, dtype: float64\n");
    CHECK(format_head({value_text(1.5), value_text(HUGE_VAL)}, "float32") ==
          "0    1.5\n"
          "1    inf\n"
          "Name: squared, dtype: float32\n");
}

TEST_CASE("value_text prints integers exactly", "[report]") {
    CHECK(value_text(std::int8_t{-128}) == "-128");
    CHECK(value_text(std::uint8_t{255}) == "255");
    CHECK(value_text(std::uint64_t{18446744073709551615u}) == "18446744073709551615");
}

TEST_CASE("an input spec splits at the last colon-slash", "[options]") {
    auto spec = parse_input_spec("data.h5");
    CHECK(spec.file == "data.h5");
    CHECK(spec.dataset == "/numbers");
    spec = parse_input_spec("runs/data.h5:/run7/values");
    CHECK(spec.file == "runs/data.h5");
    CHECK(spec.dataset == "/run7/values");
    spec = parse_input_spec("odd:name.h5:/x");
    CHECK(spec.file == "odd:name.h5");
    CHECK(spec.dataset == "/x");
}

TEST_CASE("a pending file appears only on commit", "[pending_file]") {
    const fs::path dir = fs::temp_directory_path() / ("rankpool-unit-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    const fs::path target = dir / "nested" / "out.txt";
    {
        PendingFile pending(target);  // creates the parent folders
        std::ofstream(pending.temp_path()) << "half";
        CHECK(fs::exists(pending.temp_path()));
        CHECK(pending.temp_path().parent_path() == target.parent_path());
    }
    CHECK_FALSE(fs::exists(dir));  // the temporary file and the folders it made are gone too
    fs::create_directories(dir);
    {
        PendingFile pending(dir / "kept.txt");  // a folder that existed before stays
    }
    CHECK(fs::is_directory(dir));
    {
        PendingFile pending(target);
        std::ofstream(pending.temp_path()) << "whole";
        pending.commit();
    }
    std::string text;
    std::ifstream(target) >> text;
    CHECK(text == "whole");
    CHECK(same_file(target, target));
    CHECK_FALSE(same_file(target, dir / "missing"));
    fs::remove_all(dir);
}

TEST_CASE("utf8_sequence_length follows Unicode's table of well-formed sequences") {
    using rankpool::utf8_sequence_length;
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
    CHECK(rankpool::valid_utf8("caf\xC3\xA9"));
    CHECK_FALSE(rankpool::valid_utf8("caf\xC3"));
}

TEST_CASE("printable_message makes one line of valid UTF-8 without control characters") {
    using rankpool::printable_message;
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
