#pragma once
// What a `rankpool square` run produced: enough for the printout and the JSON report.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "util/dtype.hpp"
#include "util/phase_stats.hpp"

namespace rankpool {

struct SquareResult {
    int ranks = 0;
    std::string host;                     // rank 0's node (MPI_Get_processor_name)
    std::vector<std::string> rank_hosts;  // every rank's node, in rank order
    std::string started;                  // UTC, ISO 8601: when the run began
    std::int64_t n = 0;
    Dtype dtype_in = Dtype::int64;
    Dtype dtype_out = Dtype::int64;
    std::vector<std::int64_t> counts;                        // elements per rank
    std::string source;                                      // "data.h5:/run7/values", or "" when generated
    std::vector<std::pair<std::string, PhaseStats>> phases;  // in the order they ran
    std::vector<std::string> head;                           // rank 0: the first values of the result, as text
    std::vector<std::uint64_t> peak_rss_bytes;               // per rank
    // --io parallel: per HDF5 transfer ("write_output"), why HDF5 did not make it collective
    // (empty: it was collective).
    std::vector<std::pair<std::string, std::vector<std::string>>> no_collective_causes;
};

}  // namespace rankpool
