#pragma once
// How every rankpool program turns its command line into an exit code, on every rank alike:
// a bad command line -> rank 0 prints CLI11's message, exit 2 (0 for --help/--version); a
// failure every rank agreed on -> rank 0 prints it, its exit code everywhere; a failure only
// this rank knows about -> MPI_Abort, so no rank is left waiting. Messages may quote the
// user's text (arguments, list lines, file names): they are printed as one printable line.
#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "mpi/environment.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

namespace rankpool::cli {

// CLI11 answers a misspelt subcommand ("rankpool squre") only with "A subcommand is required":
// name the unknown word and the choices instead. The word is what CLI11 left unparsed.
inline std::string parse_error_text(const CLI::App& app, const CLI::ParseError& e) {
    const auto* required = dynamic_cast<const CLI::RequiredError*>(&e);
    const auto& subcommands = app.get_subcommands({});
    const std::vector<std::string> unparsed = app.remaining();
    if (required == nullptr || subcommands.empty() || unparsed.empty() || unparsed.front().starts_with('-'))
        return printable_message(e.what());
    std::string choices;
    for (const CLI::App* subcommand : subcommands)
        choices += (choices.empty() ? "" : subcommand == subcommands.back() ? " or " : ", ") + subcommand->get_name();
    return printable_message("unknown subcommand '" + unparsed.front() + "'; choose " + choices);
}

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
            std::string text = err.str();  // CLI11's message, then its "Run with --help" line
            const std::string_view what = e.what();
            if (text.compare(0, what.size(), what) == 0) text.replace(0, what.size(), parse_error_text(app, e));
            if (!text.empty()) std::cerr << program << ": " << text << std::flush;
        }
        return code == 0 ? 0 : 2;
    }
    try {
        return work();
    } catch (const AgreedError& e) {
        if (prints) std::cerr << program << ": error: " << printable_message(e.what()) << std::endl;
        return e.exit_code();
    } catch (const std::exception& e) {
        std::cerr << program << ": error on rank " << mpi::rank() << ": " << printable_message(e.what()) << std::endl;
        mpi::abort_job(1);
    }
}

}  // namespace rankpool::cli
