#pragma once
// How both --io modes store and describe the output file's datasets: /squared, and /numbers
// when the input was generated.
#include <hdf5.h>

#include "h5/dataset.hpp"
#include "square/job.hpp"

namespace rankpool {

// Contiguous, or chunked and compressed.
h5::Layout output_layout(const SquareOptions& options);

// The attributes of /squared (n, ranks, source or seed, dtypes, version); collective in
// parallel mode (every rank passes the same values).
void write_squared_attributes(const Job& job, hid_t dataset);
// The attributes of a generated /numbers (seed, generator).
void write_numbers_attributes(const Job& job, hid_t dataset);

}  // namespace rankpool
