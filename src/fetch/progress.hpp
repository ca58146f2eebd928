#pragma once
// Rank 0's running account of finished downloads: one line per file when no terminal is
// attached, a live line (files, bytes, rate) a few times a second when one is, or nothing.
#include <chrono>
#include <cstdint>
#include <cstdio>

#include "fetch/result.hpp"

namespace rankpool::fetch {

class Progress {
public:
    Progress(std::int64_t total, bool quiet);
    void record(const FetchResult& result);  // a download finished
    void tick();                             // redraw the live line if it is due
    void finish();                           // end the live line

private:
    void draw();

    std::int64_t total_;
    std::int64_t done_ = 0;
    std::int64_t bytes_ = 0;
    bool quiet_;
    // Under mpirun, Open MPI gives the ranks a terminal only on stdout; use whichever has one.
    std::FILE* live_ = nullptr;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace rankpool::fetch
