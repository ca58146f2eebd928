#include "square/pipeline.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>

#include "h5/dataset.hpp"
#include "h5/file.hpp"
#include "mpi/agree.hpp"
#include "mpi/collectives.hpp"
#include "mpi/counts.hpp"
#include "mpi/phase_timer.hpp"
#include "square/generate.hpp"
#include "square/kernel.hpp"
#include "util/partition.hpp"
#include "square/report.hpp"
#include "util/buffer.hpp"
#include "util/error.hpp"
#include "util/pending_file.hpp"
#include "version.hpp"

namespace rankpool {

namespace {

constexpr int root = 0;

// What rank 0 holds open for the whole run. Destroyed without commit(), the pending files
// remove their temporary files: a failed run leaves nothing behind.
struct RootFiles {
    std::optional<PendingFile> output;
    h5::Handle output_file;
    std::optional<PendingFile> report;
    h5::Handle input_file;
    std::optional<h5::Dataset1D> input;
};

// Local seconds per phase, in the order the phases ran; repeated phases keep every sample.
struct LocalTimes {
    std::vector<std::pair<std::string, std::vector<double>>> phases;
    void add(const std::string& name, double seconds) {
        for (auto& [n, samples] : phases)
            if (n == name) return samples.push_back(seconds);
        phases.push_back({name, {seconds}});
    }
};

struct Job {
    MPI_Comm comm;
    int rank;
    const SquareOptions& options;
    Partition partition;
    RootFiles files;
    LocalTimes times;
    SquareResult result;
    double start;
    bool is_root() const { return rank == root; }
    std::int64_t my_count() const { return partition.counts[rank]; }
};

// Rank 0, before any work: every path problem shows up now, not after the computation.
void open_files(Job& job, double& open_seconds) {
    const SquareOptions& o = job.options;
    RootFiles& f = job.files;
    if (o.input && same_file(o.input->file, o.output))
        throw Error(o.output.string() + ": is the input file; choose another --output");
    if (o.report && same_file(*o.report, o.output))
        throw Error(o.report->string() + ": is also the --output file; choose another --report");
    if (o.report && o.input && same_file(*o.report, o.input->file))
        throw Error(o.report->string() + ": is the input file; choose another --report");
    f.output.emplace(o.output);
    if (o.report) {
        f.report.emplace(*o.report);
        f.report->create_empty();
    }
    f.output_file = h5::create(f.output->temp_path(), o.output.string());
    if (!o.input) return;
    const double start = MPI_Wtime();
    f.input_file = h5::open_for_reading(o.input->file);
    f.input = h5::open_1d(f.input_file.id(), o.input->dataset, o.input->file.string());
    open_seconds = MPI_Wtime() - start;
}

// Collective. Every rank learns (n, dtype) of the input from rank 0.
void share_input_shape(Job& job) {
    std::int64_t shape[2] = {job.result.n, static_cast<std::int64_t>(job.result.dtype_in)};
    MPI_Bcast(shape, 2, MPI_INT64_T, root, job.comm);
    job.result.n = shape[0];
    job.result.dtype_in = static_cast<Dtype>(shape[1]);
}

// Collective. If any rank found an element whose square overflows, every rank throws an
// error naming the first such element of the whole array.
template <class T>
void agree_on_overflow(const Job& job, std::optional<std::size_t> local_index, const T* chunk) {
    const std::int64_t none = std::numeric_limits<std::int64_t>::max();
    const std::int64_t mine = local_index ? job.partition.displs[job.rank] + static_cast<std::int64_t>(*local_index) : none;
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

void write_attributes(const Job& job, hid_t dataset) {
    const SquareOptions& o = job.options;
    h5::write_attribute(dataset, "n", job.result.n);
    h5::write_attribute(dataset, "ranks", static_cast<std::int64_t>(job.result.ranks));
    if (o.input) h5::write_attribute(dataset, "source", job.result.source);
    else h5::write_attribute(dataset, "seed", o.seed);
    h5::write_attribute(dataset, "dtype_in", std::string(dtype_name(job.result.dtype_in)));
    h5::write_attribute(dataset, "dtype_out", std::string(dtype_name(job.result.dtype_out)));
    h5::write_attribute(dataset, "rankpool_version", std::string(RANKPOOL_VERSION));
}

template <class T>
void run_typed(Job& job, double open_seconds) {
    using Out = squared_t<T>;
    constexpr bool in_place = std::is_same_v<T, Out>;
    const SquareOptions& o = job.options;
    const std::int64_t n = job.result.n;
    const auto& counts = job.partition.counts;
    const auto& displs = job.partition.displs;

    // Rank 0 holds the whole array; the others only their chunk. Allocation does not touch
    // the memory, so it is not a phase of its own.
    Buffer<T> data;
    Buffer<Out> separate_out;  // only when the square is wider than the input
    mpi::agree(job.comm, [&] {
        data = Buffer<T>(static_cast<std::size_t>(job.is_root() ? n : job.my_count()));
        if constexpr (!in_place) separate_out = Buffer<Out>(data.size());
    });
    Out* out = nullptr;
    if constexpr (in_place) out = data.data();
    else out = separate_out.data();

    if (o.input) {
        job.times.add("read", open_seconds + mpi::timed_local(job.comm, [&] {
            if (job.is_root()) h5::read(*job.files.input, data.span(), job.result.source);
        }));
    } else {
        job.times.add("generate", mpi::timed_local(job.comm, [&] {
            if (job.is_root()) generate(data.span(), o.seed, 0);
        }));
        job.times.add("write_input", mpi::timed_local(job.comm, [&] {
            if (!job.is_root()) return;
            const h5::Handle numbers = h5::write_1d<T>(job.files.output_file.id(), "/numbers", data.span());
            h5::write_attribute(numbers.id(), "seed", o.seed);
            h5::write_attribute(numbers.id(), "generator", std::string("splitmix64, uniform in [1, 99] (floats [1, 100))"));
        }));
    }

    // Squaring in place destroys rank 0's input; a repetition starts again from a saved copy.
    // (The other ranks receive a fresh chunk from every scatter.)
    const bool restore = in_place && o.repeat > 1 && job.is_root() && n > 0;
    Buffer<T> pristine;
    mpi::agree(job.comm, [&] {
        if (!restore) return;
        pristine = Buffer<T>(data.size());
        std::memcpy(pristine.data(), data.data(), data.size() * sizeof(T));
    });

    for (int repetition = 0; repetition < o.repeat; ++repetition) {
        if (repetition > 0 && restore) std::memcpy(data.data(), pristine.data(), data.size() * sizeof(T));
        job.times.add("scatter", mpi::timed_collective(job.comm, [&] {
            mpi::scatterv<T>(job.comm, root, counts, displs, data.span());
        }));
        std::optional<std::size_t> overflow;
        job.times.add("square", mpi::timed_local(job.comm, [&] {
            // Rank 0's own chunk is the front of its whole array (displs[0] == 0).
            overflow = square<T>(data.data(), out, static_cast<std::size_t>(job.my_count()));
        }));
        if constexpr (square_may_overflow<T>) agree_on_overflow<T>(job, overflow, data.data());
        job.times.add("gather", mpi::timed_collective(job.comm, [&] {
            mpi::gatherv<Out>(job.comm, root, counts, displs, std::span<Out>(out, job.is_root() ? n : job.my_count()));
        }));
    }

    job.times.add("write_output", mpi::timed_local(job.comm, [&] {
        if (!job.is_root()) return;
        {  // the dataset must be closed before the file, or the file's close defers the flush
            const h5::Handle squared = h5::write_1d<Out>(job.files.output_file.id(), "/squared",
                                                         std::span<const Out>(out, static_cast<std::size_t>(n)));
            write_attributes(job, squared.id());
        }
        h5::close(job.files.output_file, job.files.output->final_path());
    }));
    job.times.add("total", MPI_Wtime() - job.start);

    if (job.is_root())
        for (std::int64_t i = 0; i < std::min<std::int64_t>(o.head, n); ++i) job.result.head.push_back(value_text(out[i]));
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const std::size_t mid = values.size() / 2;
    return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

// Collective. min/mean/max over ranks of each sample, then the median over repetitions.
void reduce_times(Job& job) {
    std::vector<double> flat;
    for (const auto& [name, samples] : job.times.phases) flat.insert(flat.end(), samples.begin(), samples.end());
    const std::vector<PhaseStats> stats = mpi::reduce_over_ranks(job.comm, flat);
    std::size_t next = 0;
    for (const auto& [name, samples] : job.times.phases) {
        std::vector<double> lo, mean, hi;
        for (std::size_t k = 0; k < samples.size(); ++k, ++next) {
            lo.push_back(stats[next].min);
            mean.push_back(stats[next].mean);
            hi.push_back(stats[next].max);
        }
        job.result.phases.push_back({name, {median(lo), median(mean), median(hi)}});
    }
}

}  // namespace

SquareResult run_square(MPI_Comm comm, const SquareOptions& options) {
    MPI_Barrier(comm);
    Job job{comm, mpi::rank(comm), options, {}, {}, {}, {}, MPI_Wtime()};
    SquareResult& result = job.result;
    result.ranks = mpi::size(comm);
    result.n = options.n;
    result.dtype_in = options.dtype;
    if (options.input) result.source = options.input->file.string() + ":" + options.input->dataset;

    double open_seconds = 0;
    mpi::agree(comm, [&] {
        if (!job.is_root()) return;
        open_files(job, open_seconds);
        if (job.files.input) {
            result.n = job.files.input->size;
            result.dtype_in = job.files.input->dtype;
        }
    });
    if (options.input) share_input_shape(job);
    result.dtype_out = squared_dtype(result.dtype_in);

    job.partition = array_split(result.n, result.ranks);
    result.counts = job.partition.counts;
    // Refuse counts MPI cannot send before any work is done.
    mpi::agree(comm, [&] { mpi::to_int_counts(job.partition.counts, job.partition.displs); });

    visit_dtype(result.dtype_in, [&](auto type) { run_typed<decltype(type)>(job, open_seconds); });
    reduce_times(job);

    // Both files move into place only when both are complete.
    mpi::agree(comm, [&] {
        if (!job.is_root()) return;
        if (job.files.report) {
            std::ofstream out(job.files.report->temp_path());
            out << report_json(result, options).dump(2) << '\n';
            out.close();
            if (!out) throw Error(options.report->string() + ": cannot write the report");
        }
        job.files.output->commit();
        if (job.files.report) job.files.report->commit();
    });
    return result;
}

}  // namespace rankpool
