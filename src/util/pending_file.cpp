#include "util/pending_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#include "util/error.hpp"

namespace fs = std::filesystem;

namespace rankpool {

PendingFile::PendingFile(fs::path final_path) : final_(std::move(final_path)) {
    if (final_.filename().empty())
        throw Error("'" + final_.string() + "': output must name a file, not a folder");
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
    // The pid keeps concurrent jobs writing the same final name out of each other's way.
    temp_ = final_;
    temp_ += ".rankpool-" + std::to_string(::getpid()) + ".tmp";
}

PendingFile::~PendingFile() {
    if (committed_) return;
    std::error_code ec;  // never throw from a destructor; absent files are fine
    fs::remove(temp_, ec);
    for (const fs::path& folder : created_folders_) fs::remove(folder, ec);  // only if still empty
}

void PendingFile::create_empty() const {
    const int fd = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) throw Error(final_.string() + ": cannot write here: " + std::strerror(errno));
    ::close(fd);
}

void PendingFile::commit() {
    std::error_code ec;
    fs::rename(temp_, final_, ec);
    if (ec) throw Error(final_.string() + ": cannot move the finished file into place: " + ec.message());
    committed_ = true;
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
