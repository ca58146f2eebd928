#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>

#include "square/report.hpp"

using namespace rankpool;

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
