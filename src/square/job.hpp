#pragma once
// What one `rankpool square` run carries from phase to phase, shared by the driver
// (pipeline.cpp) and the two I/O modes (square_io.hpp), and how its phases are timed.
#include <mpi.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mpi/phase_timer.hpp"
#include "square/options.hpp"
#include "square/result.hpp"
#include "util/partition.hpp"
#include "util/pending_file.hpp"
#include "util/test_stall.hpp"

namespace rankpool {

inline constexpr int root = 0;

// Rank 0's output and report. Destroyed without commit(), they remove their temporary files:
// a failed run leaves nothing behind.
struct PendingOutputs {
    std::optional<PendingFile> output;
    std::optional<PendingFile> report;
};

// Local seconds per phase, in the order the phases ran; repeated phases keep every sample.
struct LocalTimes {
    std::vector<std::pair<std::string, std::vector<double>>> phases;
    void add(const std::string& name, double seconds);
};

struct Job {
    MPI_Comm comm;
    int rank;
    const SquareOptions& options;
    double start;  // MPI_Wtime() when the run began
    // Filled as the run goes ({}: a designated initialiser may leave them out).
    Partition partition{};
    PendingOutputs files{};  // rank 0 only
    LocalTimes times{};
    SquareResult result{};
    bool is_root() const { return rank == root; }
    std::int64_t my_count() const { return partition.counts[rank]; }
    std::int64_t my_offset() const { return partition.displs[rank]; }
    // Collective. Phase `name`, timed as mpi::timed_local / timed_collective do, is recorded
    // in `times` (plus `extra_seconds`: the read phase counts opening the input).
    template <class Work>
    void time_local(const std::string& name, Work&& work, double extra_seconds = 0) {
        times.add(name, extra_seconds + mpi::timed_local(comm, [&] {
                            stall_if_asked(name, rank);
                            work();
                        }));
    }
    template <class Work>
    void time_collective(const std::string& name, Work&& work) {
        times.add(name, mpi::timed_collective(comm, [&] {
                      stall_if_asked(name, rank);
                      work();
                  }));
    }
    // The "total" phase: from the start of the run to now.
    void time_total() { times.add("total", MPI_Wtime() - start); }
};

// Collective. Fills job.result.phases: each sample's min/mean/max over ranks, then the median
// over repetitions.
void reduce_times(Job& job);

}  // namespace rankpool
