#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <vector>

#include "h5/dataset.hpp"
#include "h5/file.hpp"
#include "mpi/environment.hpp"
#include "square/generate.hpp"
#include "square/pipeline.hpp"
#include "util/error.hpp"

using namespace rankpool;
namespace fs = std::filesystem;

namespace {
// Collective. A folder name unique to this run (rank 0's pid), the same on every rank.
fs::path run_folder(const std::string& name) {
    long pid = ::getpid();
    MPI_Bcast(&pid, 1, MPI_LONG, 0, MPI_COMM_WORLD);
    return fs::temp_directory_path() / (name + "-" + std::to_string(pid));
}
}  // namespace

// The parallel pipeline against a serial reference (the hpcg idea): generate the same array
// on one rank, square it with plain arithmetic, compare with what the pipeline wrote.
TEST_CASE("the pipeline matches a serial reference for uneven chunks", "[mpi][pipeline]") {
    const fs::path dir = run_folder("rankpool-mpi-pipeline");
    SquareOptions options;
    options.n = 1'003;
    options.seed = 7;
    options.dtype = Dtype::int32;
    options.output = dir / "out.h5";
    options.repeat = 2;
    const SquareResult result = run_square(MPI_COMM_WORLD, options);
    CHECK(result.n == 1'003);
    CHECK(result.dtype_out == Dtype::int64);
    CHECK(result.counts.size() == static_cast<std::size_t>(mpi::size()));
    if (mpi::rank() != 0) return;

    std::vector<std::int32_t> numbers(1'003);
    generate<std::int32_t>(numbers, 7, 0);
    h5::Handle file = h5::open_for_reading(options.output);
    const h5::Dataset1D squared = h5::open_1d(file.id(), "/squared", "out.h5");
    REQUIRE(squared.dtype == Dtype::int64);
    std::vector<std::int64_t> values(1'003);
    h5::read<std::int64_t>(squared, values, "out.h5");
    for (std::size_t i = 0; i < numbers.size(); ++i) REQUIRE(values[i] == std::int64_t{numbers[i]} * numbers[i]);
    fs::remove_all(dir);
}

TEST_CASE("a bad input fails on every rank with the same message and leaves no output", "[mpi][pipeline]") {
    const fs::path dir = run_folder("rankpool-mpi-pipeline-bad");
    SquareOptions options;
    options.input = InputSpec{dir / "missing.h5", "/numbers"};
    options.output = dir / "out.h5";
    std::string message;
    try {
        run_square(MPI_COMM_WORLD, options);
    } catch (const AgreedError& e) {
        message = e.what();
    }
    CHECK_THAT(message, Catch::Contains("missing.h5: no such file"));
    MPI_Barrier(MPI_COMM_WORLD);
    if (mpi::rank() == 0) {
        CHECK_FALSE(fs::exists(dir));  // no output, no temporary file, not even the folder
        fs::remove_all(dir);
    }
}
