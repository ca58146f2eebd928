#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include "square/kernel.hpp"

using namespace rankpool;

TEST_CASE("the squared type widens integers up to 64 bits and keeps floats", "[kernel]") {
    STATIC_REQUIRE(std::is_same_v<squared_t<std::int8_t>, std::int16_t>);
    STATIC_REQUIRE(std::is_same_v<squared_t<std::int16_t>, std::int32_t>);
    STATIC_REQUIRE(std::is_same_v<squared_t<std::int32_t>, std::int64_t>);
    STATIC_REQUIRE(std::is_same_v<squared_t<std::int64_t>, std::int64_t>);
    STATIC_REQUIRE(std::is_same_v<squared_t<std::uint8_t>, std::uint16_t>);
    STATIC_REQUIRE(std::is_same_v<squared_t<std::uint16_t>, std::uint32_t>);
    STATIC_REQUIRE(std::is_same_v<squared_t<std::uint32_t>, std::uint64_t>);
    STATIC_REQUIRE(std::is_same_v<squared_t<std::uint64_t>, std::uint64_t>);
    STATIC_REQUIRE(std::is_same_v<squared_t<float>, float>);
    STATIC_REQUIRE(std::is_same_v<squared_t<double>, double>);
}

TEMPLATE_TEST_CASE("widened squares are exact at the extremes of the input type", "[kernel]", std::int8_t, std::int16_t,
                   std::int32_t, std::uint8_t, std::uint16_t, std::uint32_t) {
    using Out = squared_t<TestType>;
    const std::vector<TestType> in = {std::numeric_limits<TestType>::min(), std::numeric_limits<TestType>::max(),
                                      TestType(0), TestType(1), TestType(99)};
    std::vector<Out> out(in.size());
    CHECK_FALSE(square<TestType>(in.data(), out.data(), in.size()).has_value());
    for (std::size_t i = 0; i < in.size(); ++i) {
        const long double x = in[i];  // independent arithmetic: 64-bit mantissa holds every square here
        CHECK(static_cast<long double>(out[i]) == x * x);
    }
}

TEST_CASE("int64 squares up to the limit are exact and the first index beyond it is reported", "[kernel]") {
    const std::int64_t limit = 3037000499;
    // long double holds these squares exactly (64-bit mantissa): an independent check of the limit.
    const long double int64_max = std::numeric_limits<std::int64_t>::max();
    REQUIRE(static_cast<long double>(limit) * limit <= int64_max);
    REQUIRE(static_cast<long double>(limit + 1) * (limit + 1) > int64_max);

    std::vector<std::int64_t> ok = {limit, -limit, 0, -1, 99};
    CHECK_FALSE(square<std::int64_t>(ok.data(), ok.data(), ok.size()).has_value());  // in place
    CHECK(ok == std::vector<std::int64_t>{limit * limit, limit * limit, 0, 1, 9801});

    std::vector<std::int64_t> bad(10'000, 3);
    bad[5000] = -(limit + 1);  // in the second block of the kernel
    bad[7000] = limit + 1;
    const auto first = square<std::int64_t>(bad.data(), bad.data(), bad.size());
    REQUIRE(first.has_value());
    CHECK(*first == 5000);
    CHECK(bad[5000] == -(limit + 1));  // still the offending input value
    CHECK(bad[0] == 9);                // earlier blocks were squared

    std::vector<std::int64_t> minimum = {std::numeric_limits<std::int64_t>::min()};
    CHECK(square<std::int64_t>(minimum.data(), minimum.data(), 1) == std::optional<std::size_t>(0));
}

TEST_CASE("uint64 squares overflow above 2^32 - 1", "[kernel]") {
    std::vector<std::uint64_t> v = {4294967295u, 2, 4294967296u};
    const auto first = square<std::uint64_t>(v.data(), v.data(), v.size());
    REQUIRE(first.has_value());
    CHECK(*first == 2);
    CHECK(v[2] == 4294967296u);  // the offending value is still readable

    std::vector<std::uint64_t> largest = {4294967295u};
    CHECK_FALSE(square<std::uint64_t>(largest.data(), largest.data(), 1).has_value());
    CHECK(largest[0] == 18446744065119617025u);  // (2^32 - 1)^2
}

TEMPLATE_TEST_CASE("float squares follow IEEE arithmetic", "[kernel]", float, double) {
    std::vector<TestType> v = {TestType(1.5), TestType(-3), TestType(99.25), std::numeric_limits<TestType>::max()};
    CHECK_FALSE(square<TestType>(v.data(), v.data(), v.size()).has_value());
    CHECK(v[0] == TestType(2.25));
    CHECK(v[1] == TestType(9));
    CHECK(v[2] == TestType(9850.5625));
    CHECK(std::isinf(v[3]));
}
