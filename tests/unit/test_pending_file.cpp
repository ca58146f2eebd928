#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "util/pending_file.hpp"

using namespace rankpool;
namespace fs = std::filesystem;

TEST_CASE("a pending file appears only on commit", "[pending_file]") {
    const fs::path dir = fs::temp_directory_path() / ("rankpool-unit-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    const fs::path target = dir / "nested" / "out.txt";
    {
        PendingFile pending(target);  // creates the parent folders
        std::ofstream(pending.temp_path()) << "half";
        CHECK(fs::exists(pending.temp_path()));
        CHECK(pending.temp_path().parent_path() == target.parent_path());
    }
    CHECK_FALSE(fs::exists(dir));  // the temporary file and the folders it made are gone too
    fs::create_directories(dir);
    {
        PendingFile pending(dir / "kept.txt");  // a folder that existed before stays
    }
    CHECK(fs::is_directory(dir));
    {
        PendingFile pending(target);
        std::ofstream(pending.temp_path()) << "whole";
        pending.commit();
    }
    std::string text;
    std::ifstream(target) >> text;
    CHECK(text == "whole");
    CHECK(same_file(target, target));
    CHECK_FALSE(same_file(target, dir / "missing"));
    fs::remove_all(dir);
}

namespace {

void touch(const fs::path& path) { std::ofstream(path) << "x"; }

}  // namespace

TEST_CASE("a pending file holds the lock that tells a live run", "[pending_file]") {
    const fs::path dir = fs::temp_directory_path() / ("rankpool-unit-live-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    {
        PendingFile pending(dir / "out.h5");
        std::ofstream(pending.temp_path()) << "half";
        CHECK(fs::exists(pending.live_path()));
        const int fd = ::open(pending.live_path().c_str(), O_RDWR);
        REQUIRE(fd >= 0);
        CHECK(::flock(fd, LOCK_EX | LOCK_NB) != 0);  // held by this process's other open file
        ::close(fd);
        CHECK(remove_abandoned_temporaries(dir / "out.h5").empty());  // live: left alone
        CHECK(fs::exists(pending.temp_path()));
        pending.commit();
        CHECK_FALSE(fs::exists(pending.live_path()));
    }
    {
        PendingFile pending(dir / "out.h5");
        touch(pending.temp_path());
    }
    CHECK(std::vector<fs::path>(fs::directory_iterator(dir), {}) == std::vector<fs::path>{dir / "out.h5"});
    fs::remove_all(dir);
}

TEST_CASE("what a killed run left is removed, and nothing else", "[pending_file]") {
    const fs::path dir = fs::temp_directory_path() / ("rankpool-unit-abandoned-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string dead = "out.h5.rankpool-4242-0a1b2c3d";
    for (const std::string suffix : {".tmp", ".live", ".tmp-1234-4242.lock"}) touch(dir / (dead + suffix));
    touch(dir / "out.h5.rankpool-99-ffff0000.tmp");      // no companion: not knowably dead
    touch(dir / "other.h5.rankpool-4242-0a1b2c3d.tmp");  // another output's
    touch(dir / "other.h5.rankpool-4242-0a1b2c3d.live");
    touch(dir / "out.h5.rankpool-4242-0a1b2c3d.tmp.bak");  // not a name rankpool or MPI-IO gives
    touch(dir / "out.h5");
    const auto removed = remove_abandoned_temporaries(dir / "out.h5");
    REQUIRE(removed.size() == 1);
    CHECK(removed[0] == "removed " + dead + ".tmp, " + dead + ".tmp-1234-4242.lock left by a killed run");
    for (const std::string suffix : {".tmp", ".live", ".tmp-1234-4242.lock"})
        CHECK_FALSE(fs::exists(dir / (dead + suffix)));
    for (const char* kept : {"out.h5.rankpool-99-ffff0000.tmp", "other.h5.rankpool-4242-0a1b2c3d.tmp",
                             "other.h5.rankpool-4242-0a1b2c3d.live", "out.h5.rankpool-4242-0a1b2c3d.tmp.bak", "out.h5"})
        CHECK(fs::exists(dir / kept));
    fs::remove_all(dir);
}
