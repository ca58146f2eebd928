#include <catch2/catch.hpp>

#include "util/local_file_system.hpp"

using namespace rankpool;

// /dev/shm is tmpfs and /proc is procfs on every Linux: the two answers, whatever the disks are.
TEST_CASE("tmpfs is local, procfs and a missing path are not", "[local_file_system]") {
    CHECK(on_local_file_system("/dev/shm"));
    CHECK_FALSE(on_local_file_system("/proc"));
    CHECK_FALSE(on_local_file_system("/no/such/folder"));
}
