#pragma once
// `rankpool square`, phase by phase:
//   --io root:     generate or read (rank 0) -> write_input (rank 0, when generated) -> scatter ->
//                  square (every rank) -> gather -> write_output (rank 0)
//   --io parallel: generate or read (every rank, its slice) -> write_input -> square ->
//                  write_output (every rank, collective MPI-IO)
// The output is written under a temporary name and renamed after success (with the report).
#include <mpi.h>

#include "square/options.hpp"
#include "square/result.hpp"

namespace rankpool {

// Collective over comm (root: rank 0). Throws AgreedError, on every rank, for anything the
// user must fix; leaves no output file behind in that case.
SquareResult run_square(MPI_Comm comm, const SquareOptions& options);

}  // namespace rankpool
