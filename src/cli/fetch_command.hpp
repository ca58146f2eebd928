#pragma once
// `rankpool fetch`: running it, and what it prints (its options: fetch_options.hpp).

#include "fetch/run_fetch.hpp"

namespace rankpool::cli {

// Runs the downloads on every rank; rank 0 prints the table and totals. Returns the exit code.
int run_fetch_command(const fetch::FetchOptions& options);

}  // namespace rankpool::cli
