#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

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
