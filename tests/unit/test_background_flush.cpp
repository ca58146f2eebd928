#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>

#include "util/background_flush.hpp"

using namespace rankpool;
namespace fs = std::filesystem;

namespace {
std::size_t open_descriptors() {
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator("/proc/self/fd")) ++count;
    return count;
}
}  // namespace

// The writer's flock must survive the flusher's own open file coming and going: a part file that
// lost its lock would look abandoned to another job's clean-up.
TEST_CASE("flush requests keep no descriptor and leave the writer's lock and bytes alone", "[background_flush]") {
    const fs::path path = fs::temp_directory_path() / ("rankpool-flush-" + std::to_string(::getpid()));
    const std::size_t before = open_descriptors();
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
    const std::string text(1 << 20, 'x');
    {
        BackgroundFlush flush;
        for (int i = 0; i < 20; ++i) {  // more than it queues: the rest are dropped
            REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
            flush.request(fd);
        }
        flush.request(-1);  // not a descriptor: ignored
    }
    // Gone, its thread joined: every open file of its own is closed.
    CHECK(open_descriptors() == before + 1);

    const int other = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(other >= 0);
    CHECK(::flock(other, LOCK_EX | LOCK_NB) != 0);
    CHECK(errno == EWOULDBLOCK);
    ::close(other);
    ::close(fd);
    CHECK(open_descriptors() == before);
    CHECK(fs::file_size(path) == 20 * text.size());
    fs::remove(path);
}
