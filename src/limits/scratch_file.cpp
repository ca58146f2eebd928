#include "limits/scratch_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "util/error.hpp"

namespace rankpool::limits {

namespace {
std::string name_for(std::string_view role) {
    return ".rankpool-limits-" + std::to_string(::getpid()) + "-" + std::string(role) + ".tmp";
}
}  // namespace

ScratchFile::ScratchFile(const std::filesystem::path& dir, std::string_view role) : path_(dir / name_for(role)) {
    fd_ = ::open(path_.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd_ < 0)
        throw Error(dir.string() + ": cannot create the temporary file " + path_.filename().string() +
                    " there: " + std::strerror(errno) + "; --dir must be a writable folder");
}

ScratchFile::~ScratchFile() {
    if (fd_ >= 0) ::close(fd_);
    ::unlink(path_.c_str());  // the constructor created it, so it is ours to remove
}

void ScratchFile::write_all(const void* data, std::size_t bytes) {
    const char* next = static_cast<const char*>(data);
    while (bytes > 0) {
        const ssize_t written = ::write(fd_, next, bytes);
        if (written < 0 && errno == EINTR) continue;
        // 0 bytes for a non-empty request would loop forever; a full disk is the usual cause.
        if (written <= 0)
            throw Error(path_.string() + ": cannot write: " + (written < 0 ? std::strerror(errno) : "no progress"));
        next += written;
        bytes -= static_cast<std::size_t>(written);
    }
}

void ScratchFile::close() {
    // Linux releases the descriptor even when close fails, so it is never retried.
    if (::close(std::exchange(fd_, -1)) != 0)
        throw Error(path_.string() + ": cannot write (on close): " + std::strerror(errno));
}

}  // namespace rankpool::limits
