#pragma once
// The two --io modes behind one interface: the driver (pipeline.cpp) calls prepare, then run,
// and never looks inside. Each mode owns the HDF5 files and handles it works with.
//   root_io.cpp:     rank 0 reads or generates, scatters, gathers and writes.
//   parallel_io.cpp: every rank reads or generates its own slice; all write it together.
#include <memory>

#include "h5/dataset.hpp"
#include "h5/handle.hpp"
#include "square/job.hpp"

namespace rankpool {

class SquareIo {
public:
    virtual ~SquareIo() = default;
    // Rank 0, before any work, once the paths are checked and the pending files created:
    // creates or checks what this mode writes through, and opens the input (when one is
    // given), recording its size and type in job.result. Throws Error; the caller agrees.
    virtual void prepare(Job& job) = 0;
    // Collective. The phases from generating or reading the input to writing the output, once
    // every rank knows the input's shape and the memory and disk checks passed.
    virtual void run(Job& job) = 0;
};

std::unique_ptr<SquareIo> make_root_io();
std::unique_ptr<SquareIo> make_parallel_io();

// Rank 0: the input file and dataset, opened read-only and checked.
struct OpenInput {
    h5::Handle file;
    h5::Dataset1D dataset;
};
// Opens the input and records its size and type in job.result.
OpenInput open_input(Job& job);

}  // namespace rankpool
