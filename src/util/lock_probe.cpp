#include "util/lock_probe.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/error.hpp"

namespace rankpool {

std::optional<std::string> byte_range_lock_problem(const std::filesystem::path& probe, const std::string& label) {
    const int fd = ::open(probe.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0) throw Error(label + ": cannot create the file: " + std::strerror(errno));
    struct flock lock {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    lock.l_len = 1;
    std::optional<std::string> problem;
    if (::fcntl(fd, F_SETLK, &lock) != 0) {
        problem = std::string("fcntl write lock: ") + std::strerror(errno);
    } else {
        lock.l_type = F_UNLCK;
        ::fcntl(fd, F_SETLK, &lock);
    }
    ::close(fd);
    ::unlink(probe.c_str());
    return problem;
}

}  // namespace rankpool
