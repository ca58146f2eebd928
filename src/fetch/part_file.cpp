#include "fetch/part_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "util/error.hpp"

namespace rankpool::fetch {

namespace {
std::string random_suffix() {
    static thread_local std::mt19937_64 generator{std::random_device{}()};
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(generator()));
    return text;
}

[[noreturn]] void fail(const std::filesystem::path& path, const char* what) {
    throw Error(path.string() + ": " + what + ": " + std::strerror(errno));
}
}  // namespace

PartFile::PartFile(const std::filesystem::path& folder, const std::string& final_name) : final_(folder / final_name) {
    // A fresh random name each try: an existing file or planted link there is never opened.
    for (int tries = 0; fd_ < 0; ++tries) {
        // At most 223 characters, whatever the final name's length (file systems allow 255).
        std::string name = ".";  // appended piece by piece: GCC 12 warns falsely on "." + string
        name += final_name.substr(0, 200);
        name += ".part-";
        name += random_suffix();
        temp_ = folder / name;
        on_interrupt_.emplace(temp_);  // before it exists: no moment where it exists unregistered
        fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd_ < 0 && (errno != EEXIST || tries > 100)) fail(temp_, "cannot create the temporary file");
    }
}

PartFile::~PartFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(temp_.c_str());
}

void PartFile::append(const char* data, std::size_t size) {
    while (size > 0) {
        const ssize_t written = ::write(fd_, data, size);
        if (written < 0) {
            if (errno == EINTR) continue;
            fail(final_, "cannot write");
        }
        data += written;
        size -= static_cast<std::size_t>(written);
        size_ += written;
    }
}

void PartFile::restart() {
    if (::ftruncate(fd_, 0) != 0 || ::lseek(fd_, 0, SEEK_SET) != 0) fail(final_, "cannot restart the download");
    size_ = 0;
}

void PartFile::commit() {
    if (::fsync(fd_) != 0) fail(final_, "cannot flush");
    ::close(fd_);
    fd_ = -1;
    if (::rename(temp_.c_str(), final_.c_str()) != 0) fail(final_, "cannot move the download into place");
    committed_ = true;
    on_interrupt_.reset();
}

}  // namespace rankpool::fetch
