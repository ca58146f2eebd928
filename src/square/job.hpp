#pragma once
// What one `rankpool square` run carries from phase to phase, shared by the two I/O modes
// (root_io.cpp, parallel_io.cpp) and the driver (pipeline.cpp).
#include <mpi.h>

#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "h5/dataset.hpp"
#include "h5/handle.hpp"
#include "mpi/datatype.hpp"
#include "mpi/phase_timer.hpp"
#include "square/kernel.hpp"
#include "square/options.hpp"
#include "square/report.hpp"
#include "square/result.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/partition.hpp"
#include "util/pending_file.hpp"
#include "util/test_stall.hpp"

namespace rankpool {

inline constexpr int root = 0;

// Rank 0's files. Destroyed without commit(), the pending files remove their temporary
// files: a failed run leaves nothing behind.
struct RootFiles {
    std::optional<PendingFile> output;
    std::optional<PendingFile> report;
    h5::Handle output_file;  // --io root only; in parallel mode every rank holds its own
    h5::Handle input_file;   // --io root only; parallel mode checks the input, then reopens it
    std::optional<h5::Dataset1D> input;
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
    Partition partition;
    RootFiles files;  // filled on rank 0 only
    LocalTimes times;
    SquareResult result;
    double start;
    double open_seconds = 0;                    // rank 0: opening the input, part of the read phase
    std::deque<RemoveOnInterrupt> rank0_files;  // other ranks: rank 0's temporary files and folders
    bool is_root() const { return rank == root; }
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
    // The bytes of the datasets the output file gets (uncompressed; saturating).
    std::uint64_t output_bytes() const;
    // Runs `write`, a step of writing the output file. If it fails because the file system is
    // full, a quota is reached or the file-size limit hit, the error names the file and the
    // size the output needs.
    template <class Write>
    void write_output_step(Write&& write) {
        try {
            write();
        } catch (const Error& e) {
            throw_if_out_of_room(e);
            throw;
        }
    }
    // Throws the explained error when `e`, a failed write of the output, ran out of room.
    void throw_if_out_of_room(const Error& e);
    std::int64_t my_count() const { return partition.counts[rank]; }
    std::int64_t my_offset() const { return partition.displs[rank]; }
};

// Where the output datasets are stored: contiguous, or chunked and compressed.
h5::Layout output_layout(const SquareOptions& options);

// The attributes of /squared (n, ranks, source or seed, dtypes, version); collective in
// parallel mode (every rank passes the same values).
void write_squared_attributes(const Job& job, hid_t dataset);
// The attributes of a generated /numbers (seed, generator).
void write_numbers_attributes(const Job& job, hid_t dataset);

// Collective. If any rank found an element whose square overflows, every rank throws an
// error naming the first such element of the whole array. `chunk` is this rank's input.
template <class T>
void agree_on_overflow(const Job& job, std::optional<std::size_t> local_index, const T* chunk) {
    const std::int64_t none = std::numeric_limits<std::int64_t>::max();
    const std::int64_t mine = local_index ? job.my_offset() + static_cast<std::int64_t>(*local_index) : none;
    std::int64_t first = none;
    MPI_Allreduce(&mine, &first, 1, MPI_INT64_T, MPI_MIN, job.comm);
    if (first == none) return;
    const int owner = owner_of(job.partition, first);
    T value = job.rank == owner ? chunk[first - job.partition.displs[owner]] : T{};
    MPI_Bcast(&value, 1, mpi::datatype<T>(), owner, job.comm);
    throw AgreedError("element " + std::to_string(first) + " of the input is " + value_text(value) +
                      ", whose square does not fit " + std::string(dtype_name(dtype_v<T>)) +
                      " (largest allowed magnitude: " + value_text(largest_squarable<T>()) +
                      "); square a smaller-valued input or store it as float64");
}

// Collective. The two I/O modes, after the driver has opened rank 0's files, shared the
// input's shape and checked memory.
void run_root_io(Job& job);
void run_parallel_io(Job& job);

}  // namespace rankpool
