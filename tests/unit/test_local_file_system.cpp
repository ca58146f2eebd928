#include <catch2/catch.hpp>

#include "util/local_file_system.hpp"

using namespace rankpool;

// /dev/shm is tmpfs and /proc is procfs on every Linux: the two answers, whatever the disks are.
TEST_CASE("tmpfs is local, procfs and a missing path are not", "[local_file_system]") {
    CHECK(on_local_file_system("/dev/shm"));
    CHECK_FALSE(on_local_file_system("/proc"));
    CHECK_FALSE(on_local_file_system("/no/such/folder"));
}

TEST_CASE("kernel releases compared by major and minor version", "[local_file_system]") {
    CHECK(release_at_least("5.8.0", 5, 8));
    CHECK(release_at_least("5.10.0-28-amd64", 5, 8));
    CHECK(release_at_least("6.1.0-18-amd64", 5, 8));
    CHECK_FALSE(release_at_least("5.7.19", 5, 8));
    CHECK_FALSE(release_at_least("4.18.0-513.el8.x86_64", 5, 8));
    CHECK_FALSE(release_at_least("3.10.0-1160.el7.x86_64", 5, 8));
    CHECK_FALSE(release_at_least("unknown", 5, 8));
}
