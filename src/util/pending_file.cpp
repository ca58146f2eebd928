#include "util/pending_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <regex>
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
    hold_live_lock();
    on_interrupt_.emplace_back(temp_);
    on_interrupt_.emplace_back(live_);  // after the temporary file: its lock tells a live run
    for (const fs::path& folder : created_folders_) on_interrupt_.emplace_back(folder, RemoveOnInterrupt::Kind::folder);
}

// pid and a random number: concurrent jobs never share a temporary name, and nobody can plant a
// symlink there in advance (create_empty and HDF5's EXCL create refuse to follow one). Where the
// companion cannot be created, the temporary file cannot be either, and its creation says why.
void PendingFile::hold_live_lock() {
    for (int tries = 0; tries < 100; ++tries) {
        char stem[40];
        std::snprintf(stem, sizeof stem, ".rankpool-%d-%08x", static_cast<int>(::getpid()),
                      static_cast<unsigned>(std::random_device{}()));
        temp_ = final_;
        temp_ += std::string(stem) + ".tmp";
        live_ = final_;
        live_ += std::string(stem) + ".live";
        // Writable: NFS emulates flock with byte-range locks, and an exclusive one needs it.
        live_fd_ = ::open(live_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (live_fd_ < 0) return;
        if (::flock(live_fd_, LOCK_EX | LOCK_NB) != 0) {  // no flock here: no companion, so nothing removes ours
            release_live_lock();
            return;
        }
        struct stat status {};
        if (::fstat(live_fd_, &status) == 0 && status.st_nlink > 0) return;
        release_live_lock();  // unlinked already: another run's remove_abandoned_temporaries took it before the lock
    }
}

void PendingFile::release_live_lock() {
    if (live_fd_ < 0) return;
    ::unlink(live_.c_str());  // before the close, which drops the lock
    ::close(live_fd_);
    live_fd_ = -1;
}

PendingFile::~PendingFile() {
    if (committed_) return;
    std::error_code ec;  // never throw from a destructor; absent files are fine
    fs::remove(temp_, ec);
    release_live_lock();
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
    release_live_lock();
    on_interrupt_.clear();
}

namespace {

// "out.h5.rankpool-123-0a1b2c3d.tmp-4011-123.lock" -> "out.h5.rankpool-123-0a1b2c3d", for the names
// PendingFile and OMPIO give beside `final_name`; empty for any other name.
std::string run_stem(const std::string& name, const std::string& final_name) {
    static const std::regex run_part(R"(^([0-9]+-[0-9a-f]+)(\.tmp|\.live|\.tmp-[0-9]+-[0-9]+\.lock)$)");
    const std::string prefix = final_name + ".rankpool-";
    std::smatch match;
    const std::string rest = name.starts_with(prefix) ? name.substr(prefix.size()) : std::string{};
    return std::regex_match(rest, match, run_part) ? prefix + match[1].str() : std::string{};
}

}  // namespace

std::vector<std::string> remove_abandoned_temporaries(const fs::path& final_path) {
    const fs::path folder = final_path.parent_path().empty() ? fs::path(".") : final_path.parent_path();
    const std::string final_name = final_path.filename().string();
    std::map<std::string, std::vector<std::string>> runs;  // stem -> its files but the companion
    std::error_code ec;                                    // a folder that cannot be listed has nothing to clean
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
        const std::string name = entry.path().filename().string();
        const std::string stem = run_stem(name, final_name);
        if (!stem.empty()) {
            auto& files = runs[stem];
            if (!name.ends_with(".live")) files.push_back(name);
        }
    }
    std::vector<std::string> removed;
    for (const auto& [stem, files] : runs) {
        // Locked: a live run's. No companion: not knowably a dead run's (an older rankpool's): left alone.
        const fs::path live = folder / (stem + ".live");
        const int fd = ::open(live.c_str(), O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) continue;
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
            std::string names;
            for (const std::string& name : files)
                if (::unlink((folder / name).c_str()) == 0) names += (names.empty() ? "" : ", ") + name;
            ::unlink(live.c_str());  // last: while it exists, the others are known to be a run's
            if (!names.empty()) removed.push_back("removed " + names + " left by a killed run");
        }
        ::close(fd);
    }
    return removed;
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
