#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "util/memory.hpp"

using namespace rankpool;

namespace {

// MemTotal from /proc/meminfo, in bytes (0 when it cannot be read).
std::uint64_t mem_total_bytes() {
    std::ifstream in("/proc/meminfo");
    std::string key, unit;
    std::uint64_t kib = 0;
    while (in >> key >> kib >> unit)
        if (key == "MemTotal:") return kib * 1024;
    return 0;
}

}  // namespace

TEST_CASE("format_bytes prints decimal units with two decimals", "[memory]") {
    CHECK(format_bytes(0) == "0 B");
    CHECK(format_bytes(1) == "1 B");
    CHECK(format_bytes(999) == "999 B");
    CHECK(format_bytes(1000) == "1.00 kB");
    CHECK(format_bytes(1024) == "1.02 kB");
    CHECK(format_bytes(1'234'567) == "1.23 MB");
    CHECK(format_bytes(80'000'000) == "80.00 MB");
    CHECK(format_bytes(7'200'000'000) == "7.20 GB");
    CHECK(format_bytes(24'230'000'000) == "24.23 GB");
    CHECK(format_bytes(999'999) == "1.00 MB");  // rounds up into the next unit, not "1000.00 kB"
    CHECK(format_bytes(999'994) == "999.99 kB");
    CHECK(format_bytes(std::uint64_t{1} << 32) == "4.29 GB");  // HDF5's chunk limit
    CHECK(format_bytes(8'000'000'000'000) == "8.00 TB");
    CHECK(format_bytes(13'333'333'333'336) == "13.33 TB");
    CHECK(format_bytes(2'500'000'000'000'000) == "2.50 PB");
    // PB is the largest unit.
    CHECK(format_bytes(std::numeric_limits<std::uint64_t>::max()) == "18446.74 PB");
}

TEST_CASE("peak_rss_bytes grows when a 50 MB buffer is touched", "[memory]") {
    const std::uint64_t before = peak_rss_bytes();
    REQUIRE(before > 0);
    CHECK(before % 1024 == 0);  // Linux counts KiB
    // The peak is a high-water mark: the buffer must outgrow it, whatever ran before, to raise it.
    const std::size_t size = static_cast<std::size_t>(before) + 50'000'000;
    std::vector<char> buffer(size, 1);  // writes, so touches, every page
    REQUIRE(buffer[size / 2] == 1);
    REQUIRE(buffer.back() == 1);
    const std::uint64_t after = peak_rss_bytes();
    CHECK(after >= size);
    CHECK(after >= before + 50'000'000);
    CHECK(peak_rss_bytes() >= after);  // never goes down
}

TEST_CASE("available_memory reads a positive amount on this machine", "[memory]") {
    const auto available = available_memory();
    REQUIRE(available.has_value());
    CHECK(available->bytes > 0);
    CHECK((available->source == "MemAvailable" || available->source == "cgroup memory limit"));
    const std::uint64_t total = mem_total_bytes();
    REQUIRE(total > 0);
    CHECK(available->bytes <= total);
}
