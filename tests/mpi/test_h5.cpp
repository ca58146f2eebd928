#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <vector>

#include "h5/dataset.hpp"
#include "h5/file.hpp"
#include "mpi/environment.hpp"
#include "util/error.hpp"

using namespace rankpool;
namespace fs = std::filesystem;

namespace {
fs::path scratch(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / ("rankpool-mpi-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    return dir / name;
}
}  // namespace

// HDF5 here is per rank and independent (each rank its own file): no collectives involved.
TEMPLATE_TEST_CASE("an HDF5 round trip keeps type and size and values", "[h5]", std::int8_t, std::uint32_t,
                   std::int64_t, float, double) {
    const fs::path path = scratch("roundtrip.h5");
    const std::vector<TestType> values = {TestType(1), TestType(-2), TestType(99), TestType(0)};
    {
        h5::Handle file = h5::create(path, path.string());
        {  // objects close before their file (the file refuses to close otherwise)
            const h5::Handle group =
                h5::checked(H5Gcreate2(file.id(), "/grp", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, "group");
            const h5::Handle dataset = h5::write_1d<TestType>(file.id(), "/grp/values", values);
            h5::write_attribute(dataset.id(), "note", std::string("hello"));
        }
        h5::close(file, path);
    }
    h5::Handle file = h5::open_for_reading(path);
    const h5::Dataset1D dataset = h5::open_1d(file.id(), "/grp/values", path.string());
    CHECK(dataset.dtype == dtype_v<TestType>);
    CHECK(dataset.size == 4);
    std::vector<TestType> back(4);
    h5::read<TestType>(dataset, back, "test");
    CHECK(back == values);
    CHECK(h5::list_datasets(file.id()) == std::vector<std::string>{"/grp/values"});
    fs::remove_all(path.parent_path());
}

TEST_CASE("HDF5 errors name the file and what exists without printing a stack", "[h5]") {
    const fs::path path = scratch("errors.h5");
    {
        h5::Handle file = h5::create(path, path.string());
        h5::write_1d<std::int32_t>(file.id(), "/a", std::vector<std::int32_t>{1, 2});
        h5::close(file, path);
    }
    h5::Handle file = h5::open_for_reading(path);
    CHECK_THROWS_WITH(h5::open_1d(file.id(), "/nope/deeper", "f.h5"),
                      Catch::Contains("f.h5: no dataset '/nope/deeper'") && Catch::Contains("found: /a"));
    CHECK_THROWS_WITH(h5::open_1d(file.id(), "/", "f.h5"), Catch::Contains("is a group"));
    CHECK_THROWS_WITH(h5::open_for_reading(scratch("missing.h5")), Catch::Contains("no such file"));
    std::ofstream(scratch("text.h5")) << "not hdf5";
    CHECK_THROWS_WITH(h5::open_for_reading(scratch("text.h5")), Catch::Contains("not an HDF5 file"));
    fs::remove_all(path.parent_path());
}
