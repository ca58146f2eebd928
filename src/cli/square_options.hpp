#pragma once
// `rankpool square`'s options: parsing only (the fuzz target input_spec links this alone).
#include <CLI/CLI.hpp>

#include "square/options.hpp"

namespace rankpool::cli {

// Adds the subcommand and its options to app; parsing fills `options`.
CLI::App& add_square_command(CLI::App& app, SquareOptions& options);

}  // namespace rankpool::cli
