#pragma once
// `rankpool square`: running it, and what it prints (its options: square_options.hpp).

#include "square/options.hpp"

namespace rankpool::cli {

// Runs the pipeline on every rank; rank 0 prints the head and the timings. Returns the exit code.
int run_square_command(const SquareOptions& options);

}  // namespace rankpool::cli
