#include "cli/command_line.hpp"

#include "cli/fetch_options.hpp"
#include "cli/square_options.hpp"

namespace rankpool::cli {

CommandLine::CommandLine(std::function<std::string()> version_text)
    : app("rankpool: MPI scientific computing the tutorial's way, done well", "rankpool") {
    app.set_version_flag("--version", std::move(version_text));
    app.require_subcommand(1);
    square = &add_square_command(app, square_options);
    fetch = &add_fetch_command(app, fetch_options);
}

}  // namespace rankpool::cli
