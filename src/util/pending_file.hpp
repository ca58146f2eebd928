#pragma once
// An output file that appears under its final name only once it is complete.
// The content is written to a temporary name in the same folder (so the rename is atomic on
// every POSIX file system) and commit() renames it. Without commit(), the destructor removes
// the temporary file and the folders the constructor created: a failed run leaves nothing.
#include <deque>
#include <filesystem>
#include <vector>

#include "util/interrupt.hpp"

namespace rankpool {

class PendingFile {
public:
    // Creates the missing parent folders of final_path. Throws Error if that fails.
    explicit PendingFile(std::filesystem::path final_path);
    ~PendingFile();
    PendingFile(const PendingFile&) = delete;
    PendingFile& operator=(const PendingFile&) = delete;

    const std::filesystem::path& temp_path() const { return temp_; }
    const std::filesystem::path& final_path() const { return final_; }
    const std::vector<std::filesystem::path>& created_folders() const { return created_folders_; }  // deepest first
    // Creates the temporary file empty (exclusively, never through a symlink), so an unwritable
    // location fails now, not at the end.
    void create_empty() const;
    void commit();  // rename temp -> final; throws Error on failure

private:
    std::filesystem::path final_;
    std::filesystem::path temp_;
    std::vector<std::filesystem::path> created_folders_;  // deepest first
    bool committed_ = false;
    std::deque<RemoveOnInterrupt> on_interrupt_;  // the temporary file and the created folders
};

// True when a and b name the same file: the same existing file (hard links and symlinks
// included), or the same path once made absolute and normalised.
bool same_file(const std::filesystem::path& a, const std::filesystem::path& b);

}  // namespace rankpool
