#include <catch2/catch.hpp>

#include <cstdint>

#include "util/dtype.hpp"

using namespace rankpool;

TEST_CASE("dtype names round-trip and unknown names are refused", "[dtype]") {
    for (const char* name :
         {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64"}) {
        const auto d = parse_dtype(name);
        REQUIRE(d.has_value());
        CHECK(dtype_name(*d) == name);
    }
    CHECK_FALSE(parse_dtype("int7").has_value());
    CHECK_FALSE(parse_dtype("").has_value());
    CHECK_FALSE(parse_dtype("Int64").has_value());
}

TEST_CASE("dtype sizes and squared dtypes follow the C++ type table", "[dtype]") {
    CHECK(dtype_size(Dtype::int8) == 1);
    CHECK(dtype_size(Dtype::uint16) == 2);
    CHECK(dtype_size(Dtype::float32) == 4);
    CHECK(dtype_size(Dtype::uint64) == 8);
    CHECK(squared_dtype(Dtype::int8) == Dtype::int16);
    CHECK(squared_dtype(Dtype::int16) == Dtype::int32);
    CHECK(squared_dtype(Dtype::int32) == Dtype::int64);
    CHECK(squared_dtype(Dtype::int64) == Dtype::int64);
    CHECK(squared_dtype(Dtype::uint8) == Dtype::uint16);
    CHECK(squared_dtype(Dtype::uint32) == Dtype::uint64);
    CHECK(squared_dtype(Dtype::float32) == Dtype::float32);
    CHECK(squared_dtype(Dtype::float64) == Dtype::float64);
    CHECK(dtype_v<std::uint32_t> == Dtype::uint32);
    CHECK(dtype_v<double> == Dtype::float64);
}
