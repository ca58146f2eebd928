#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <numeric>

#include "util/partition.hpp"

using rankpool::array_split;

namespace {
// np.array_split's rule, checked element by element: sizes differ by at most one, the larger
// parts come first, and the parts tile [0, n) in order.
void check_array_split(std::int64_t n, int parts) {
    const auto p = array_split(n, parts);
    REQUIRE(p.counts.size() == static_cast<std::size_t>(parts));
    REQUIRE(p.displs.size() == static_cast<std::size_t>(parts));
    std::int64_t next = 0;
    for (int i = 0; i < parts; ++i) {
        const std::int64_t expected = n / parts + (i < n % parts ? 1 : 0);
        CHECK(p.counts[i] == expected);
        CHECK(p.displs[i] == next);
        next += p.counts[i];
    }
    CHECK(next == n);
}
}  // namespace

TEST_CASE("array_split matches numpy's counts for small cases", "[partition]") {
    // np.array_split(np.arange(10), 3) -> sizes 4, 3, 3
    auto p = array_split(10, 3);
    CHECK(p.counts == std::vector<std::int64_t>{4, 3, 3});
    CHECK(p.displs == std::vector<std::int64_t>{0, 4, 7});
    // np.array_split(np.arange(10_000_000), 8): 1250000 each
    p = array_split(10'000'000, 8);
    CHECK(p.counts == std::vector<std::int64_t>(8, 1'250'000));
    // 7 over 4 -> 2, 2, 2, 1
    p = array_split(7, 4);
    CHECK(p.counts == std::vector<std::int64_t>{2, 2, 2, 1});
    CHECK(p.displs == std::vector<std::int64_t>{0, 2, 4, 6});
}

TEST_CASE("array_split with fewer elements than parts gives empty parts", "[partition]") {
    auto p = array_split(2, 5);
    CHECK(p.counts == std::vector<std::int64_t>{1, 1, 0, 0, 0});
    CHECK(p.displs == std::vector<std::int64_t>{0, 1, 2, 2, 2});
    p = array_split(0, 3);
    CHECK(p.counts == std::vector<std::int64_t>{0, 0, 0});
    CHECK(p.displs == std::vector<std::int64_t>{0, 0, 0});
}

TEST_CASE("array_split rule holds for n mod p != 0 and many shapes", "[partition]") {
    for (std::int64_t n : {0, 1, 2, 3, 5, 17, 100, 1001, 999'983})
        for (int parts : {1, 2, 3, 4, 7, 16, 64}) check_array_split(n, parts);
}

TEST_CASE("array_split is exact for n near 2^63", "[partition]") {
    constexpr std::int64_t max = std::numeric_limits<std::int64_t>::max();
    for (std::int64_t n : {max, max - 1, max - 6, std::int64_t{1} << 62})
        for (int parts : {1, 2, 3, 7, 1024, 65536}) check_array_split(n, parts);
    const auto p = array_split(max, 2);  // 2^63 - 1 is odd: rank 0 gets the extra element
    CHECK(p.counts[0] == (std::int64_t{1} << 62));
    CHECK(p.counts[1] == (std::int64_t{1} << 62) - 1);
}

TEST_CASE("owner_of finds the part holding an index and skips empty parts", "[partition]") {
    const auto p = array_split(7, 4);  // [0,2) [2,4) [4,6) [6,7)
    CHECK(rankpool::owner_of(p, 0) == 0);
    CHECK(rankpool::owner_of(p, 1) == 0);
    CHECK(rankpool::owner_of(p, 2) == 1);
    CHECK(rankpool::owner_of(p, 6) == 3);
    const auto q = array_split(2, 5);  // parts 2..4 empty
    CHECK(rankpool::owner_of(q, 1) == 1);
}
