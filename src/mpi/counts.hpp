#pragma once
// The one place where rankpool's 64-bit counts are narrowed to MPI's int.
#include <cstdint>
#include <span>
#include <vector>

namespace rankpool::mpi {

// Returns counts and displacements as int. Throws Error naming the offending value when one
// does not fit MPI's int (MPI 3.1 collectives take int counts).
struct IntCounts {
    std::vector<int> counts;
    std::vector<int> displs;
};
IntCounts to_int_counts(std::span<const std::int64_t> counts, std::span<const std::int64_t> displs);

}  // namespace rankpool::mpi
