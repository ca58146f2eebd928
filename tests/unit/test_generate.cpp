#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

#include "square/generate.hpp"
#include "util/partition.hpp"

using namespace rankpool;

TEST_CASE("splitmix64 reproduces the reference sequence", "[generate]") {
    // Reference outputs of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
    CHECK(splitmix64(0, 0) == 0xE220A8397B1DCDAFull);
    CHECK(splitmix64(0, 1) == 0x6E789E6AA1B965F4ull);
    CHECK(splitmix64(0, 2) == 0x06C45D188009454Full);
}

TEMPLATE_TEST_CASE("generated values are independent of how the array is split", "[generate]", std::int8_t,
                   std::uint16_t, std::int64_t, std::uint64_t, float, double) {
    constexpr std::int64_t n = 10'007;
    std::vector<TestType> whole(n);
    generate<TestType>(whole, 42, 0);
    for (int ranks : {1, 2, 3, 4, 16}) {
        const Partition p = array_split(n, ranks);
        std::vector<TestType> pieced(n);
        for (int r = 0; r < ranks; ++r)
            generate<TestType>(std::span<TestType>(pieced.data() + p.displs[r], p.counts[r]), 42,
                               static_cast<std::uint64_t>(p.displs[r]));
        CHECK(pieced == whole);
    }
}

TEMPLATE_TEST_CASE("integers lie in 1..99 and every value occurs", "[generate]", std::int8_t, std::uint8_t,
                   std::int32_t, std::int64_t, std::uint64_t) {
    std::vector<TestType> values(100'000);
    generate<TestType>(values, default_seed, 0);
    std::vector<int> seen(100, 0);
    for (TestType v : values) {
        REQUIRE(v >= 1);
        REQUIRE(v <= 99);
        ++seen[static_cast<int>(v)];
    }
    for (int v = 1; v <= 99; ++v) CHECK(seen[v] > 700);  // ~1010 expected each
}

TEMPLATE_TEST_CASE("floats lie in 1..100 exclusive even for the largest random bits", "[generate]", float, double) {
    CHECK(uniform_value<TestType>(0) == TestType(1));
    const TestType top = uniform_value<TestType>(~std::uint64_t{0});
    CHECK(top < TestType(100));
    CHECK(top > TestType(99.99));
    std::vector<TestType> values(100'000);
    generate<TestType>(values, 7, 0);
    double sum = 0;
    for (TestType v : values) {
        REQUIRE(v >= 1);
        REQUIRE(v < 100);
        sum += v;
    }
    CHECK(sum / values.size() == Approx(50.5).epsilon(0.01));
}

TEST_CASE("different seeds give different arrays", "[generate]") {
    std::vector<std::int64_t> a(1000), b(1000);
    generate<std::int64_t>(a, 1, 0);
    generate<std::int64_t>(b, 2, 0);
    CHECK(a != b);
}
