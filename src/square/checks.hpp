#pragma once
// What `rankpool square` checks before any work, so that a mistake shows up at once and not
// after the computation. Each throws an Error the user can act on.
#include "square/job.hpp"

namespace rankpool {

// Rank 0: the input, output and report are three different files.
void check_paths(const Job& job);

// Rank 0: chunks above HDF5's 4 GiB limit are refused with the option's name, not HDF5's words.
void check_chunk_size(const Job& job);

// Collective, --io parallel: every rank sees the very files rank 0 sees. On a cluster a node's
// /tmp or local disk is its own, and MPI-IO would wait forever for a file only some ranks can
// open. Rank 0 creates a probe file beside the output's temporary file (the report's exists
// already); every rank looks for both, and for the input with rank 0's size and modification time.
void check_shared_paths(Job& job);

// Collective. The arrays each rank will hold, checked against each node's free memory.
void check_memory(const Job& job);

}  // namespace rankpool
