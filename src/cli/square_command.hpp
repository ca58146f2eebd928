#pragma once
// `rankpool square`: its options, and what it prints.
#include <CLI/CLI.hpp>

#include "square/options.hpp"

namespace rankpool::cli {

// Adds the subcommand and its options to app; parsing fills `options`.
CLI::App& add_square_command(CLI::App& app, SquareOptions& options);

// Runs the pipeline on every rank; rank 0 prints the head and the timings. Returns the exit code.
int run_square_command(const SquareOptions& options);

}  // namespace rankpool::cli
