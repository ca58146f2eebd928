#include "fetch/part_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <string_view>
#include <system_error>

#include "util/error.hpp"

namespace rankpool::fetch {

namespace {
std::string random_suffix() {
    static thread_local std::mt19937_64 generator{std::random_device{}()};
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(generator()));
    return text;
}

constexpr std::string_view part_marker = ".part-";
constexpr std::size_t suffix_digits = 16;

// ".NAME.part-" and 16 hexadecimal digits: the names PartFile gives.
bool is_part_name(const std::string& name) {
    if (name.size() < 1 + part_marker.size() + suffix_digits || name[0] != '.') return false;
    const std::size_t suffix = name.size() - suffix_digits;
    return name.compare(suffix - part_marker.size(), part_marker.size(), part_marker) == 0 &&
           name.find_first_not_of("0123456789abcdef", suffix) == std::string::npos;
}

[[noreturn]] void fail(const std::filesystem::path& path, const char* what) {
    throw Error(path.string() + ": " + what + ": " + std::strerror(errno));
}
}  // namespace

PartFile::PartFile(const std::filesystem::path& folder, const std::string& final_name, BackgroundFlush* flush_ahead)
    : final_(folder / final_name), flush_ahead_(flush_ahead) {
    // A fresh random name each try: an existing file or planted link there is never opened.
    for (int tries = 0; fd_ < 0; ++tries) {
        // At most 223 characters, whatever the final name's length (file systems allow 255).
        std::string name = ".";  // appended piece by piece: GCC 12 warns falsely on "." + string
        name += final_name.substr(0, 200);
        name += part_marker;
        name += random_suffix();
        temp_ = folder / name;
        on_interrupt_.emplace(temp_);  // before it exists: no moment where it exists unregistered
        fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd_ < 0 && (errno != EEXIST || tries > 100)) fail(temp_, "cannot create the temporary file");
        if (fd_ >= 0 && !hold_lock()) {  // remove_abandoned_parts took it in the moment before the lock
            ::close(fd_);
            fd_ = -1;
            ::unlink(temp_.c_str());  // if it is still there
            if (tries > 100) fail(temp_, "cannot lock the temporary file");
        }
    }
}

bool PartFile::hold_lock() const {
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) return errno != EWOULDBLOCK;  // no flock here: nobody removes it
    struct stat status {};
    return ::fstat(fd_, &status) == 0 && status.st_nlink > 0;
}

void remove_abandoned_parts(const std::filesystem::path& folder) {
    std::error_code ec;  // a folder that cannot be listed has nothing to clean
    for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
        if (!is_part_name(entry.path().filename().string())) continue;
        // Writable: NFS emulates flock with POSIX locks, and an exclusive one needs a writable file.
        const int fd = ::open(entry.path().c_str(), O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) continue;
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0) ::unlink(entry.path().c_str());  // its writer is gone
        ::close(fd);
    }
}

PartFile::~PartFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(temp_.c_str());
}

// Writes of this size, not libcurl's 16 kB pieces: a twelfth of the system calls for a big file.
constexpr std::size_t write_size = 256 << 10;

void PartFile::append(const char* data, std::size_t size) {
    if (pending_.size() + size > write_size) write_pending();
    if (size >= write_size)
        write_out(data, size);
    else
        pending_.insert(pending_.end(), data, data + size);
    size_ += static_cast<std::int64_t>(size);
}

void PartFile::flush() {
    write_pending();
    std::vector<char>().swap(pending_);  // a file waiting for its commit or retry holds no buffer
}

void PartFile::write_pending() {
    // Taken out first: bytes whose write failed are not tried again (the download has failed).
    std::vector<char> pending;
    pending.swap(pending_);
    write_out(pending.data(), pending.size());
    pending.clear();
    pending_.swap(pending);  // the buffer again, for the next bytes
}

void PartFile::write_out(const char* data, std::size_t size) {
    while (size > 0) {
        const ssize_t written = ::write(fd_, data, size);
        if (written < 0) {
            if (errno == EINTR) continue;
            fail(final_, "cannot write");
        }
        data += written;
        size -= static_cast<std::size_t>(written);
        written_ += written;
    }
    start_write_back();
}

// A big file goes to the disk while it still arrives, and to stable storage every 64 MB, so that
// the sync before its rename waits for its last few megabytes instead of all of it. Only hints:
// that sync reports errors. (On a disk that cannot keep up, sync_file_range blocks until the disk
// takes the writes, which is then also the pace the bytes can arrive at.)
void PartFile::start_write_back() {
    constexpr std::int64_t step = 8 << 20;
    constexpr std::int64_t flush_step = 64 << 20;
    if (written_ - written_back_ < step) return;
    ::sync_file_range(fd_, written_back_, written_ - written_back_, SYNC_FILE_RANGE_WRITE);
    if (flush_ahead_ != nullptr && written_ / flush_step != written_back_ / flush_step) flush_ahead_->request(fd_);
    written_back_ = written_;
}

void PartFile::restart() {
    if (::ftruncate(fd_, 0) != 0 || ::lseek(fd_, 0, SEEK_SET) != 0) fail(final_, "cannot restart the download");
    pending_.clear();
    size_ = 0;
    written_ = 0;
    written_back_ = 0;
}

void PartFile::commit() {
    flush();
    if (::fsync(fd_) != 0) fail(final_, "cannot flush");
    put_in_place();
}

void PartFile::commit_synced() {
    if (!pending_.empty()) return commit();  // bytes the sync did not see (a finished attempt leaves none)
    put_in_place();
}

void PartFile::put_in_place() {
    // Renamed while still open, so locked: another job's remove_abandoned_parts cannot take it
    // in between.
    if (::rename(temp_.c_str(), final_.c_str()) != 0) fail(final_, "cannot move the download into place");
    committed_ = true;
    on_interrupt_.reset();
    ::close(fd_);
    fd_ = -1;
}

}  // namespace rankpool::fetch
