#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <numeric>
#include <vector>

#include "mpi/collectives.hpp"
#include "mpi/datatype.hpp"
#include "util/error.hpp"
#include "util/partition.hpp"

using namespace rankpool;

namespace {
// Scatter 0..n-1 from rank 0, let each rank check and transform its chunk, gather back.
template <class T>
void round_trip(std::int64_t n) {
    const int rank = mpi::rank(), ranks = mpi::size();
    const Partition p = array_split(n, ranks);
    std::vector<T> data(static_cast<std::size_t>(rank == 0 ? n : p.counts[rank]));
    if (rank == 0) std::iota(data.begin(), data.end(), T(0));
    mpi::scatterv<T>(MPI_COMM_WORLD, 0, p.counts, p.displs, data);

    bool chunk_ok = true;
    for (std::int64_t k = 0; k < p.counts[rank]; ++k) {
        chunk_ok = chunk_ok && data[k] == T(p.displs[rank] + k);
        data[k] = T(data[k] + T(1));
    }
    CHECK(chunk_ok);
    mpi::gatherv<T>(MPI_COMM_WORLD, 0, p.counts, p.displs, data);
    bool gathered_ok = true;  // CHECK once, not REQUIRE: the loop around this calls collectives
    if (rank == 0)
        for (std::int64_t i = 0; i < n; ++i) gathered_ok = gathered_ok && data[i] == T(i + 1);
    CHECK(gathered_ok);
}
}  // namespace

TEMPLATE_TEST_CASE("scatterv/gatherv round trip with uneven and empty chunks", "[mpi][collectives]", std::int8_t,
                   std::int32_t, std::int64_t, std::uint16_t, std::uint64_t, float, double) {
    for (std::int64_t n : {0, 1, 2, 3, 5, 100, 1001}) round_trip<TestType>(n);
}

// The test-only limit sends big transfers' code path through small arrays: chunks of up to
// 1001 elements travel as pieces of 1, 7 or 64 elements, point to point.
TEMPLATE_TEST_CASE("scatterv/gatherv in pieces beyond the per-message limit", "[mpi][collectives][bigcount]",
                   std::int8_t, std::int64_t, double) {
    for (const char* limit : {"1", "7", "64"}) {
        ::setenv("RANKPOOL_TEST_MESSAGE_LIMIT", limit, 1);
        CHECK(mpi::message_limit(sizeof(TestType)) == std::atoi(limit));
        for (std::int64_t n : {0, 1, 3, 100, 1001}) round_trip<TestType>(n);
    }
    ::unsetenv("RANKPOOL_TEST_MESSAGE_LIMIT");
}

TEST_CASE("one message stays below 2 GiB and MPI's int count", "[mpi][counts]") {
    ::unsetenv("RANKPOOL_TEST_MESSAGE_LIMIT");
    CHECK(mpi::message_limit(1) == 2147483647);
    CHECK(mpi::message_limit(2) == 1073741823);
    CHECK(mpi::message_limit(8) == 268435455);
    ::setenv("RANKPOOL_TEST_MESSAGE_LIMIT", "99999999999", 1);  // never raised
    CHECK(mpi::message_limit(1) == 2147483647);
    ::setenv("RANKPOOL_TEST_MESSAGE_LIMIT", "0", 1);  // nonsense is ignored
    CHECK(mpi::message_limit(8) == 268435455);
    ::unsetenv("RANKPOOL_TEST_MESSAGE_LIMIT");
}

TEMPLATE_TEST_CASE("the MPI type table matches the C++ sizes", "[mpi][types]", std::int8_t, std::int16_t, std::int32_t,
                   std::int64_t, std::uint8_t, std::uint16_t, std::uint32_t, std::uint64_t, float, double) {
    int size = 0;
    MPI_Type_size(mpi::datatype<TestType>(), &size);
    CHECK(size == static_cast<int>(sizeof(TestType)));
}

TEST_CASE("counts beyond MPI's int are refused with a message naming them", "[mpi][counts]") {
    const std::vector<std::int64_t> counts = {2'000'000'000, 2'000'000'000};
    const std::vector<std::int64_t> displs = {0, 2'000'000'000};
    CHECK_NOTHROW(mpi::to_int_counts(counts, displs));
    const std::vector<std::int64_t> big_displs = {0, 3'000'000'000};
    CHECK_THROWS_WITH(mpi::to_int_counts(counts, big_displs),
                      Catch::Contains("3000000000") && Catch::Contains("rank 1") && Catch::Contains("MPI's int"));
    const std::vector<std::int64_t> big_counts = {3'000'000'000};
    CHECK_THROWS_AS(mpi::to_int_counts(big_counts, std::vector<std::int64_t>{0}), Error);
}
