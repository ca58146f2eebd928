#pragma once
// What `rankpool square`'s default job could cost at best on this machine: the same bytes
// through plain memory passes, MPI_Scatterv / MPI_Gatherv in place and POSIX write(), phase by
// phase, timed exactly as rankpool times its phases (mpi/phase_timer.hpp).
#include <mpi.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "util/dtype.hpp"
#include "util/phase_stats.hpp"

namespace rankpool::limits {

struct LimitsOptions {
    std::int64_t n = 10'000'000;
    Dtype dtype = Dtype::int64;
    std::filesystem::path dir = ".";  // where rank 0 writes (and removes) its two scratch files
    std::optional<std::filesystem::path> report;
    bool hello = false;  // MPI_Init and MPI_Finalize only
};

struct LimitsResult {
    int ranks = 0;
    std::int64_t n = 0;
    Dtype dtype_in = Dtype::int64;
    Dtype dtype_out = Dtype::int64;
    std::vector<std::int64_t> counts;                        // elements per rank
    std::vector<std::pair<std::string, PhaseStats>> phases;  // rankpool's names, in its order
    std::vector<std::uint64_t> peak_rss;                     // rank 0: bytes, one per rank
};

// Collective. Throws AgreedError (the same on every rank) when a rank cannot allocate, or rank 0
// cannot create or write its scratch files.
LimitsResult run_limits(MPI_Comm comm, const LimitsOptions& options);

}  // namespace rankpool::limits
