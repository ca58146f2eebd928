#pragma once
// An output file that appears under its final name only once it is complete.
// The content is written to a temporary name in the same folder (so the rename is atomic on
// every POSIX file system) and commit() renames it. Without commit(), the destructor removes
// the temporary file and the folders the constructor created: a failed run leaves nothing.
//
// While it lives it holds an flock on a companion file, FILE.rankpool-<pid>-<hex>.live, which
// the kernel drops when the process dies: that is how remove_abandoned_temporaries tells what a
// run killed whole left (SIGKILL to every rank, a lost node) from a live run's files. Not a lock
// on the temporary HDF5 file itself: MPI-IO locks byte ranges there, and where flock is emulated
// with byte-range locks (NFS) MPI-IO's unlocking would drop it.
#include <deque>
#include <filesystem>
#include <string>
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
    const std::filesystem::path& live_path() const { return live_; }  // the locked companion
    const std::filesystem::path& final_path() const { return final_; }
    const std::vector<std::filesystem::path>& created_folders() const { return created_folders_; }  // deepest first
    // Creates the temporary file empty (exclusively, never through a symlink), so an unwritable
    // location fails now, not at the end.
    void create_empty() const;
    void commit();  // rename temp -> final; throws Error on failure

private:
    void hold_live_lock();
    void release_live_lock();

    std::filesystem::path final_;
    std::filesystem::path temp_;
    std::filesystem::path live_;
    int live_fd_ = -1;
    std::vector<std::filesystem::path> created_folders_;  // deepest first
    bool committed_ = false;
    std::deque<RemoveOnInterrupt> on_interrupt_;  // the temporary file and the created folders
};

// Removes the temporary files of earlier runs writing `final_path` that no live process holds,
// with MPI-IO's lock files beside them (Open MPI's OMPIO leaves TEMP-<jobid>-<pid>.lock), and
// returns one line for each such run: "removed NAME left by a killed run". A live run's files,
// in this job or another, are never touched.
std::vector<std::string> remove_abandoned_temporaries(const std::filesystem::path& final_path);

// True when a and b name the same file: the same existing file (hard links and symlinks
// included), or the same path once made absolute and normalised.
bool same_file(const std::filesystem::path& a, const std::filesystem::path& b);

}  // namespace rankpool
