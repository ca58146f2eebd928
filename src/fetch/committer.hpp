#pragma once
// Finished downloads are made durable and renamed into place here, on threads of their own:
// fsync takes as long as the disk needs, and the transfers must not wait for it.
//
// On a local file system, one thread takes the files that end within a few milliseconds of each
// other and makes them durable with one syncfs (group commit); while it syncs, the next group
// gathers, so a flood of small files costs a sync per group, not per file. The price: syncfs
// also writes whatever else is waiting for that file system (other jobs' files, this rank's big
// downloads), so a group can wait longer on a busy disk; the transfers go on meanwhile.
// Elsewhere (NFS, Lustre, ..., or a kernel whose syncfs hides write errors:
// util/local_file_system.hpp) each file gets its own fsync, on a few threads at once.
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "fetch/download_task.hpp"

namespace rankpool::fetch {

class Committer {
public:
    // For downloads into `folder`; `wake` is called (from a committer thread) whenever a result is ready.
    Committer(const std::filesystem::path& folder, std::function<void()> wake);
    ~Committer();  // commits what was submitted, then joins the threads
    Committer(const Committer&) = delete;
    Committer& operator=(const Committer&) = delete;

    void submit(std::unique_ptr<DownloadTask> task);
    std::vector<FetchResult> take_finished();
    std::size_t unfinished() const;  // submitted, result not yet taken

private:
    void run();

    // Open from before any download into the folder, so that its syncfs reports every write
    // error since (a descriptor's syncfs reports the errors since it was opened); -1: no group commit.
    int group_sync_fd_ = -1;
    std::function<void()> wake_;
    mutable std::mutex mutex_;
    std::condition_variable work_ready_;
    std::deque<std::unique_ptr<DownloadTask>> queue_;  // guarded by mutex_
    std::vector<FetchResult> finished_;                // guarded by mutex_
    std::size_t unfinished_ = 0;                       // guarded by mutex_
    bool stopping_ = false;                            // guarded by mutex_
    std::vector<std::thread> threads_;                 // last: they start once the rest exists
};

}  // namespace rankpool::fetch
