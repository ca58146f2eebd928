#pragma once
// How every rankpool program turns its command line into an exit code, on every rank alike:
// a bad command line -> rank 0 prints CLI11's message, exit 2 (0 for --help/--version); a
// failure every rank agreed on -> rank 0 prints it, its exit code everywhere; a failure only
// this rank knows about -> MPI_Abort, so no rank is left waiting.
#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>
#include <sstream>
#include <string>

#include "mpi/environment.hpp"
#include "util/error.hpp"

namespace rankpool::cli {

template <class Work>
int parse_and_run(CLI::App& app, int argc, char** argv, const std::string& program, Work&& work) {
    const bool prints = mpi::rank() == 0;
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        std::ostringstream out, err;
        const int code = app.exit(e, out, err);
        if (prints) {
            std::cout << out.str() << std::flush;
            if (!err.str().empty()) std::cerr << program << ": " << err.str() << std::flush;
        }
        return code == 0 ? 0 : 2;
    }
    try {
        return work();
    } catch (const AgreedError& e) {
        if (prints) std::cerr << program << ": error: " << e.what() << std::endl;
        return e.exit_code();
    } catch (const std::exception& e) {
        std::cerr << program << ": error on rank " << mpi::rank() << ": " << e.what() << std::endl;
        mpi::abort_job(1);
    }
}

}  // namespace rankpool::cli
