#include "util/pending_file.hpp"

#include <unistd.h>

#include <string>
#include <system_error>

#include "util/error.hpp"

namespace fs = std::filesystem;

namespace rankpool {

PendingFile::PendingFile(fs::path final_path) : final_(std::move(final_path)) {
    if (final_.filename().empty())
        throw Error(final_.string() + ": output must name a file, not a folder");
    const fs::path parent = final_.parent_path();
    std::error_code ec;
    if (!parent.empty()) fs::create_directories(parent, ec);
    if (ec)
        throw Error(final_.string() + ": cannot create the output folder " + parent.string() +
                    ": " + ec.message());
    if (fs::is_directory(final_, ec))
        throw Error(final_.string() + ": is a folder; give an output file name");
    // The pid keeps concurrent jobs writing the same final name out of each other's way.
    temp_ = final_;
    temp_ += ".rankpool-" + std::to_string(::getpid()) + ".tmp";
}

PendingFile::~PendingFile() {
    if (committed_) return;
    std::error_code ec;
    fs::remove(temp_, ec);  // never throw from a destructor; nothing to do if it is absent
}

void PendingFile::commit() {
    std::error_code ec;
    fs::rename(temp_, final_, ec);
    if (ec) throw Error(final_.string() + ": cannot move the finished output into place: " + ec.message());
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
