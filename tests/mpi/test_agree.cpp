#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "mpi/agree.hpp"
#include "mpi/environment.hpp"
#include "mpi/phase_timer.hpp"
#include "util/error.hpp"

using namespace rankpool;

TEST_CASE("agree passes when no rank fails", "[mpi][agree]") {
    CHECK_NOTHROW(mpi::agree(MPI_COMM_WORLD, [] {}));
}

TEST_CASE("a failure on the last rank reaches every rank", "[mpi][agree]") {
    const int last = mpi::size() - 1;
    std::string message;
    try {
        mpi::agree(MPI_COMM_WORLD, [&] {
            if (mpi::rank() == last) throw std::runtime_error("disk on fire");
        });
    } catch (const AgreedError& e) {
        message = e.what();
    }
    const std::string expected = last == 0 ? "disk on fire" : "rank " + std::to_string(last) + ": disk on fire";
    CHECK(message == expected);
}

TEST_CASE("the lowest failing rank's message wins", "[mpi][agree]") {
    std::string message;
    try {
        mpi::agree(MPI_COMM_WORLD, [] { throw Error("failed on " + std::to_string(mpi::rank())); });
    } catch (const AgreedError& e) {
        message = e.what();
    }
    CHECK(message == "failed on 0");
}

TEST_CASE("phase statistics are min and mean and max over ranks", "[mpi][timer]") {
    const int ranks = mpi::size();
    const std::vector<double> mine = {static_cast<double>(mpi::rank()), 5.0};
    const auto stats = mpi::reduce_over_ranks(MPI_COMM_WORLD, mine);
    REQUIRE(stats.size() == 2);
    CHECK(stats[0].min == 0.0);
    CHECK(stats[0].max == Approx(ranks - 1));
    CHECK(stats[0].mean == Approx((ranks - 1) / 2.0));
    CHECK(stats[1].min == 5.0);
    CHECK(stats[1].mean == Approx(5.0));
    CHECK(stats[1].max == 5.0);
}
