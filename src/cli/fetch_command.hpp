#pragma once
// `rankpool fetch`: its options, and what it prints.
#include <CLI/CLI.hpp>

#include "fetch/run_fetch.hpp"

namespace rankpool::cli {

CLI::App& add_fetch_command(CLI::App& app, fetch::FetchOptions& options);

// Runs the downloads on every rank; rank 0 prints the table and totals. Returns the exit code.
int run_fetch_command(const fetch::FetchOptions& options);

}  // namespace rankpool::cli
