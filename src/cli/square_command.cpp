#include "cli/square_command.hpp"

#include <iostream>

#include "mpi/environment.hpp"
#include "square/pipeline.hpp"
#include "square/report.hpp"
#include "util/dtype.hpp"
#include "util/hosts.hpp"

namespace rankpool::cli {

int run_square_command(const SquareOptions& options) {
    const SquareResult result = run_square(MPI_COMM_WORLD, options);
    if (mpi::rank() != 0) return 0;
    const std::string what = options.input ? result.source : "generated (seed " + std::to_string(options.seed) + ")";
    // With --io root rank 0 writes the files: on a cluster, say on which node (its /tmp is its own).
    const bool several_nodes = ranks_per_host(result.rank_hosts).size() > 1;
    const std::string where = options.io == IoMode::root && several_nodes ? " (written on " + result.host + ")" : "";
    std::cout << "rankpool square: " << result.n << " " << dtype_name(result.dtype_in) << " values, " << what << ", "
              << format_ranks(result) << " -> " << options.output.string() << where << "\n"
              << format_head(result.head, std::string(dtype_name(result.dtype_out))) << format_timings(result) << "\n"
              << format_peak_memory(result) << std::endl;
    return 0;
}

}  // namespace rankpool::cli
