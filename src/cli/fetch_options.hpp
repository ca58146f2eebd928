#pragma once
// `rankpool fetch`'s options: parsing only (the fuzz target input_spec links this alone).
#include <CLI/CLI.hpp>

#include "fetch/run_fetch.hpp"

namespace rankpool::cli {

// Adds the subcommand and its options to app; parsing fills `options`.
CLI::App& add_fetch_command(CLI::App& app, fetch::FetchOptions& options);

}  // namespace rankpool::cli
