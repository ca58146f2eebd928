#include "cli/fetch_command.hpp"

#include <iostream>

#include "fetch/summary.hpp"
#include "mpi/environment.hpp"

namespace rankpool::cli {

int run_fetch_command(const fetch::FetchOptions& options) {
    const fetch::FetchOutcome outcome = fetch::run_fetch(MPI_COMM_WORLD, options);
    if (mpi::rank() == 0)
        std::cout << fetch::format_table(outcome.results) << fetch::format_totals(outcome.results, outcome.seconds)
                  << std::endl;
    return outcome.exit_code;
}

}  // namespace rankpool::cli
