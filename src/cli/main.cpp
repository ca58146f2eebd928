// rankpool: MPI scatter/square/gather of 1-D HDF5 arrays, and rank-per-URL downloads.
// Every rank parses the same arguments; only rank 0 prints. Errors every rank agreed on end
// normally with exit code 1 (2 for usage errors); an error only one rank knows about ends
// the whole job with MPI_Abort so no rank is left waiting.
#include <hdf5.h>
#include <CLI/CLI.hpp>

#include <csignal>

#include "cli/command_line.hpp"
#include "cli/fetch_command.hpp"
#include "cli/parse_and_run.hpp"
#include "cli/square_command.hpp"
#include "h5/error_stack.hpp"
#include "mpi/environment.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/launcher_rank.hpp"
#include "util/test_stall.hpp"
#include "version.hpp"

namespace {

std::string version_text() {
    unsigned major = 0, minor = 0, release = 0;
    H5get_libversion(&major, &minor, &release);
#ifdef H5_HAVE_PARALLEL
    const char* flavour = " (parallel)";
#else
    const char* flavour = " (serial)";
#endif
    return "rankpool " RANKPOOL_VERSION "\nMPI: " + rankpool::mpi::library_version() +
           "\nHDF5: " + std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(release) + flavour;
}

}  // namespace

int main(int argc, char** argv) {
    // Past a file-size limit (ulimit -f) a write then fails with EFBIG, which is reported like a
    // full disk, instead of SIGXFSZ killing the process without a word.
    std::signal(SIGXFSZ, SIG_IGN);
    rankpool::install_interrupt_handlers();  // before MPI_Init: a signal during start-up is reported too
    rankpool::stall_if_asked("start-up", rankpool::launcher_rank());  // the other ranks wait inside MPI_Init
    rankpool::mpi::Environment mpi_environment(argc, argv);
    rankpool::h5::silence_errors();
    rankpool::set_prints_interrupt_line(rankpool::mpi::rank() == 0);
    // Destroyed when main returns, before MPI_Finalize: the work is over then, whatever its outcome.
    struct DefaultInterruptsAfterWork {
        ~DefaultInterruptsAfterWork() { rankpool::restore_default_interrupts(); }
    } after_work;

    rankpool::cli::CommandLine command_line(version_text);
    return rankpool::cli::parse_and_run(command_line.app, argc, argv, "rankpool", [&] {
        if (command_line.square->parsed()) return rankpool::cli::run_square_command(command_line.square_options);
        return rankpool::cli::run_fetch_command(command_line.fetch_options);  // require_subcommand(1): one of the two
    });
}
