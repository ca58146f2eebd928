#pragma once
// `rankpool fetch` across ranks: rank 0 reads the list and every rank learns it; each rank
// downloads the URLs its schedule gives it, up to --parallel at a time; the results travel to rank 0,
// which shows progress, and writes the report and the list of failed lines.
#include <mpi.h>

#include <filesystem>
#include <optional>
#include <vector>

#include "fetch/download_task.hpp"
#include "fetch/result.hpp"
#include "fetch/schedule.hpp"

namespace rankpool::fetch {

struct FetchOptions {
    std::filesystem::path list;
    DownloadSettings download;
    Schedule schedule = Schedule::cyclic;
    int parallel = 1;                                // transfers in flight per rank
    std::optional<std::filesystem::path> ca_cert{};  // --ca-cert; else the environment's (fetch/trust.hpp)
    std::optional<std::filesystem::path> report;
    std::optional<std::filesystem::path> failed;
    bool quiet = false;
    bool live_progress = false;  // also when stderr is not a terminal
};

struct FetchOutcome {
    std::vector<FetchResult> results;  // rank 0: one per list line, in list order
    double seconds = 0;
    int exit_code = 0;  // every rank: 0 all ok or skipped, 1 some failed
};

// Collective. Throws AgreedError (exit code 2) for list problems, before anything is fetched.
FetchOutcome run_fetch(MPI_Comm comm, const FetchOptions& options);

}  // namespace rankpool::fetch
