#include <catch2/catch.hpp>

#include <cstdint>
#include <numeric>
#include <vector>

#include "mpi/collectives.hpp"
#include "mpi/datatype.hpp"
#include "util/partition.hpp"
#include "util/error.hpp"

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

TEMPLATE_TEST_CASE("scatterv/gatherv round trip with uneven and empty chunks", "[mpi][collectives]",
                   std::int8_t, std::int32_t, std::int64_t, std::uint16_t, std::uint64_t, float, double) {
    for (std::int64_t n : {0, 1, 2, 3, 5, 100, 1001}) round_trip<TestType>(n);
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
