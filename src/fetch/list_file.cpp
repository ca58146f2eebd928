#include "fetch/list_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "util/error.hpp"

namespace rankpool::fetch {

std::string read_list_file(const std::filesystem::path& path) {
    const std::string name = path.string();
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0)
        throw UsageError(name + ": cannot read the URL list: " + std::strerror(errno));
    if (S_ISDIR(info.st_mode)) throw UsageError(name + ": is a folder, not a URL list");
    if (!S_ISREG(info.st_mode))
        throw UsageError(name + ": is " + (S_ISFIFO(info.st_mode) ? "a FIFO (named pipe)" : "not a regular file") +
                         ", not a URL list; save the list to a file and give its name");
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) throw UsageError(name + ": cannot read the URL list: " + std::strerror(errno));
    const std::unique_ptr<const int, void (*)(const int*)> closed(&fd, [](const int* f) { ::close(*f); });
    std::string text;
    char buffer[1 << 16];
    for (ssize_t got; (got = ::read(fd, buffer, sizeof buffer)) != 0;) {
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) throw UsageError(name + ": cannot read the URL list: " + std::strerror(errno));
        text.append(buffer, static_cast<std::size_t>(got));
    }
    if (text.rfind("\xFF\xFE", 0) == 0 || text.rfind("\xFE\xFF", 0) == 0)
        throw UsageError(name + ": is UTF-16 text (it starts with a UTF-16 byte-order mark); save the list as UTF-8");
    return text;
}

}  // namespace rankpool::fetch
