#pragma once
// Rank 0's running account of finished downloads: a live line (files, bytes, rate) redrawn a
// few times a second when stderr is a terminal (or when asked for), else one line per file,
// or nothing when quiet. Under mpirun, Open MPI hands the ranks' stderr through a pipe (and
// gives every rank a pty on stdout, whatever mpirun's own stdout is), so the live line there
// is opt-in.
#include <chrono>
#include <cstdint>
#include <cstdio>

#include "fetch/result.hpp"

namespace rankpool::fetch {

class Progress {
public:
    Progress(std::int64_t total, bool quiet, bool live);
    void record(const FetchResult& result);  // a download finished
    void tick();                             // redraw the live line if it is due
    void finish();                           // end the live line

private:
    void draw();

    std::int64_t total_;
    std::int64_t done_ = 0;
    std::int64_t bytes_ = 0;
    bool quiet_;
    bool live_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace rankpool::fetch
