#include "limits/measure.hpp"

#include <algorithm>
#include <deque>
#include <optional>
#include <string>

#include "limits/passes.hpp"
#include "limits/scratch_file.hpp"
#include "mpi/agree.hpp"
#include "mpi/counts.hpp"
#include "mpi/datatype.hpp"
#include "mpi/environment.hpp"
#include "mpi/phase_timer.hpp"
#include "util/buffer.hpp"
#include "util/memory.hpp"
#include "util/partition.hpp"

namespace rankpool::limits {

namespace {

constexpr int root = 0;

// A write limit is the fastest of a few writes of the same bytes to fresh files: this VM's page
// cache has slow moments (single writes 5-15x slower), and a limit must be a lower bound, not
// one more noisy sample.
constexpr int write_attempts = 3;

struct Job {
    MPI_Comm comm;
    int rank;
    std::int64_t n;
    Partition partition;
    // Filled as the run goes ({}: a designated initialiser may leave them out).
    mpi::IntCounts int_counts{};
    std::deque<ScratchFile> inputs{}, outputs{};            // rank 0 only: write_attempts each
    std::vector<std::pair<std::string, double>> seconds{};  // this rank's, in the order they ran
    bool is_root() const { return rank == root; }
    std::int64_t my_count() const { return partition.counts[rank]; }
};

// Plain MPI calls rather than mpi/collectives.hpp: the yardstick must not move when rankpool's
// own wrappers change. Root's chunk stays in place, as in rankpool.
template <class T>
void scatter(const Job& job, T* data) {
    const MPI_Datatype type = mpi::datatype<T>();
    const auto& c = job.int_counts;
    if (job.is_root())
        MPI_Scatterv(data, c.counts.data(), c.displs.data(), type, MPI_IN_PLACE, 0, type, root, job.comm);
    else
        MPI_Scatterv(nullptr, nullptr, nullptr, type, data, c.counts[job.rank], type, root, job.comm);
}

template <class T>
void gather(const Job& job, T* data) {
    const MPI_Datatype type = mpi::datatype<T>();
    const auto& c = job.int_counts;
    if (job.is_root())
        MPI_Gatherv(MPI_IN_PLACE, 0, type, data, c.counts.data(), c.displs.data(), type, root, job.comm);
    else
        MPI_Gatherv(data, c.counts[job.rank], type, nullptr, nullptr, nullptr, type, root, job.comm);
}

// Collective. Rank 0 writes `bytes` to each of `files` (write + close, no fsync, as HDF5) and
// returns the fastest; the other ranks return 0, as they idle in rankpool's writes.
double fastest_write(Job& job, std::deque<ScratchFile>& files, const void* data, std::size_t bytes) {
    double best = 0;
    mpi::timed_local(job.comm, [&] {
        for (ScratchFile& file : files) {
            const double start = MPI_Wtime();
            file.write_all(data, bytes);
            file.close();
            const double seconds = MPI_Wtime() - start;
            best = &file == &files.front() ? seconds : std::min(best, seconds);
        }
    });
    return best;
}

template <class T>
void run_typed(Job& job) {
    using Out = squared_t<T>;
    const std::size_t n = static_cast<std::size_t>(job.n);
    const std::size_t mine = static_cast<std::size_t>(job.my_count());

    // Exactly rankpool's buffers: rank 0 the whole array, the others their chunk, fresh and
    // untouched, so generate and scatter pay the same first-touch page faults.
    InOutBuffer<T, Out> buffers;
    mpi::agree(job.comm, [&] { buffers = InOutBuffer<T, Out>(job.is_root() ? n : mine); });
    Buffer<T>& data = buffers.in();
    Out* const out = buffers.out();

    job.seconds.emplace_back("generate", mpi::timed_local(job.comm, [&] {
                                 if (job.is_root()) fill(data.data(), n);
                             }));
    job.seconds.emplace_back("write_input", fastest_write(job, job.inputs, data.data(), n * sizeof(T)));
    job.seconds.emplace_back("scatter", mpi::timed_collective(job.comm, [&] { scatter(job, data.data()); }));
    job.seconds.emplace_back("square", mpi::timed_local(job.comm, [&] {
                                 // Rank 0's own chunk is the front of its whole array (displs[0] == 0).
                                 if constexpr (InOutBuffer<T, Out>::in_place)
                                     bump(data.data(), mine);
                                 else
                                     bump_into(data.data(), out, mine);
                             }));
    job.seconds.emplace_back("gather", mpi::timed_collective(job.comm, [&] { gather(job, out); }));
    job.seconds.emplace_back("write_output", fastest_write(job, job.outputs, out, n * sizeof(Out)));
}

}  // namespace

LimitsResult run_limits(MPI_Comm comm, const LimitsOptions& options) {
    MPI_Barrier(comm);
    Job job{
        .comm = comm, .rank = mpi::rank(comm), .n = options.n, .partition = array_split(options.n, mpi::size(comm))};

    // Before any work, as rankpool creates its output file up front: a bad --dir or a count
    // MPI cannot send fails now. Creating an empty file costs microseconds.
    mpi::agree(comm, [&] {
        job.int_counts = mpi::to_int_counts(job.partition.counts, job.partition.displs);
        if (!job.is_root()) return;
        for (int attempt = 1; attempt <= write_attempts; ++attempt) {
            job.inputs.emplace_back(options.dir, "input-" + std::to_string(attempt));
            job.outputs.emplace_back(options.dir, "output-" + std::to_string(attempt));
        }
    });

    visit_dtype(options.dtype, [&](auto type) { run_typed<decltype(type)>(job); });
    // total: the sum of the phase limits (the fastest write attempts, not all of them).
    double total = 0;
    for (const auto& [name, seconds] : job.seconds) total += seconds;
    job.seconds.emplace_back("total", total);

    LimitsResult result;
    result.ranks = mpi::size(comm);
    result.n = options.n;
    result.dtype_in = options.dtype;
    result.dtype_out = squared_dtype(options.dtype);
    result.counts = job.partition.counts;

    std::vector<double> local;
    for (const auto& [name, seconds] : job.seconds) local.push_back(seconds);
    const std::vector<PhaseStats> stats = mpi::reduce_over_ranks(comm, local);
    for (std::size_t i = 0; i < stats.size(); ++i) result.phases.emplace_back(job.seconds[i].first, stats[i]);

    const std::uint64_t rss = peak_rss_bytes();
    if (job.is_root()) result.peak_rss.resize(static_cast<std::size_t>(result.ranks));
    MPI_Gather(&rss, 1, MPI_UINT64_T, result.peak_rss.data(), 1, MPI_UINT64_T, root, comm);
    return result;  // the scratch files are removed here, outside every timed phase
}

}  // namespace rankpool::limits
