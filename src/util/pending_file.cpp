#include "util/pending_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <system_error>

#include "util/error.hpp"

namespace fs = std::filesystem;

namespace rankpool {

PendingFile::PendingFile(fs::path final_path) : final_(std::move(final_path)) {
    if (final_.filename().empty()) throw Error("'" + final_.string() + "': output must name a file, not a folder");
    std::error_code ec;
    for (fs::path folder = final_.parent_path(); !folder.empty() && !fs::exists(folder, ec);
         folder = folder.parent_path()) {
        created_folders_.push_back(folder);
        if (folder == folder.parent_path()) break;
    }
    if (!final_.parent_path().empty()) fs::create_directories(final_.parent_path(), ec);
    if (ec)
        throw Error(final_.string() + ": cannot create the folder " + final_.parent_path().string() + ": " +
                    ec.message());
    if (fs::is_directory(final_, ec)) throw Error(final_.string() + ": is a folder; give a file name");
    // The rename at commit() would replace a FIFO or a device (as root: /dev/null itself).
    // A symbolic link is fine: the link is replaced, its target untouched.
    const fs::file_type type = fs::symlink_status(final_, ec).type();
    if (const char* what = type == fs::file_type::fifo        ? "a FIFO (named pipe)"
                           : type == fs::file_type::character ? "a character device"
                           : type == fs::file_type::block     ? "a block device"
                           : type == fs::file_type::socket    ? "a socket"
                                                              : nullptr)
        throw Error(final_.string() + ": is " + what + ", not a regular file; give the name of a file to write");
    // pid and a random number: concurrent jobs never share a temporary name, and nobody can
    // plant a symlink there in advance (create_empty and HDF5's EXCL create refuse to follow one).
    char suffix[40];
    std::snprintf(suffix, sizeof suffix, ".rankpool-%d-%08x.tmp", static_cast<int>(::getpid()),
                  static_cast<unsigned>(std::random_device{}()));
    temp_ = final_;
    temp_ += suffix;
    on_interrupt_.emplace_back(temp_);
    for (const fs::path& folder : created_folders_) on_interrupt_.emplace_back(folder, RemoveOnInterrupt::Kind::folder);
}

PendingFile::~PendingFile() {
    if (committed_) return;
    std::error_code ec;  // never throw from a destructor; absent files are fine
    fs::remove(temp_, ec);
    for (const fs::path& folder : created_folders_) fs::remove(folder, ec);  // only if still empty
}

void PendingFile::create_empty() const {
    const int fd = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0) throw Error(final_.string() + ": cannot write here: " + std::strerror(errno));
    ::close(fd);
}

void PendingFile::commit() {
    std::error_code ec;
    fs::rename(temp_, final_, ec);
    if (ec) throw Error(final_.string() + ": cannot move the finished file into place: " + ec.message());
    committed_ = true;
    on_interrupt_.clear();
}

bool same_file(const fs::path& a, const fs::path& b) {
    std::error_code ec;
    if (fs::equivalent(a, b, ec)) return true;
    const fs::path ca = fs::weakly_canonical(a, ec);
    if (ec) return false;
    const fs::path cb = fs::weakly_canonical(b, ec);
    return !ec && ca == cb;
}

}  // namespace rankpool
