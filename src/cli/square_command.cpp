#include "cli/square_command.hpp"

#include <iostream>

#include "mpi/environment.hpp"
#include "square/pipeline.hpp"
#include "square/report.hpp"
#include "util/dtype.hpp"

namespace rankpool::cli {

int run_square_command(const SquareOptions& options) {
    const SquareResult result = run_square(MPI_COMM_WORLD, options);
    if (mpi::rank() != 0) return 0;
    const std::string what = options.input ? result.source : "generated (seed " + std::to_string(options.seed) + ")";
    std::cout << "rankpool square: " << result.n << " " << dtype_name(result.dtype_in) << " values, " << what << ", "
              << result.ranks << " rank" << (result.ranks == 1 ? "" : "s") << " -> " << options.output.string() << "\n"
              << format_head(result.head, std::string(dtype_name(result.dtype_out))) << format_timings(result) << "\n"
              << format_peak_memory(result) << std::endl;
    return 0;
}

}  // namespace rankpool::cli
