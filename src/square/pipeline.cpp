#include "square/pipeline.hpp"

#include <algorithm>
#include <fstream>

#include "h5/dataset.hpp"
#include "h5/file.hpp"
#include "mpi/agree.hpp"
#include "mpi/environment.hpp"
#include "mpi/memory_check.hpp"
#include "mpi/message_limit.hpp"
#include "mpi/messages.hpp"
#include "mpi/phase_timer.hpp"
#include "square/job.hpp"
#include "square/report.hpp"
#include "util/disk_space.hpp"
#include "util/error.hpp"
#include "util/lock_probe.hpp"
#include "util/memory.hpp"
#include "util/text.hpp"

namespace rankpool {

namespace {

// Rank 0, before any work: every path problem shows up now, not after the computation.
void open_files(Job& job) {
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
    // In parallel mode every rank creates the output together, later (parallel_io.cpp).
    if (o.io == IoMode::root)
        f.output_file = h5::create(f.output->temp_path(), o.output.string());
    else if (const auto problem = byte_range_lock_problem(f.output->temp_path(), o.output.string()))
        throw Error(o.output.string() +
                    ": --io parallel writes through MPI-IO, which needs byte-range locks, and the file "
                    "system there does not support them (" +
                    *problem +
                    "); write to a file system with locking "
                    "(a parallel file system, or NFS with its lock service) or use --io root");
    if (!o.input) return;
    const double start = MPI_Wtime();
    f.input_file = h5::open_for_reading(o.input->file);
    f.input = h5::open_1d(f.input_file.id(), o.input->dataset, o.input->file.string());
    job.result.n = f.input->size;
    job.result.dtype_in = f.input->dtype;
    if (o.io == IoMode::parallel) {  // checked; every rank reopens it through MPI-IO
        f.input.reset();
        f.input_file.reset();
    }
    job.open_seconds = MPI_Wtime() - start;
}

// Collective. Every rank registers rank 0's temporary files and new folders for removal on
// SIGINT/SIGTERM: mpirun SIGKILLs the whole job as soon as one rank exits, and rank 0 may be
// the slowest to react (busy in the kernel, faulting in memory), so whichever rank handles the
// signal first removes them. (Unlinking an already removed or renamed file does nothing.)
void share_temporary_files(Job& job) {
    std::string list;  // "f PATH" and "d PATH" lines
    if (job.is_root()) {
        for (const auto* pending : {&job.files.output, &job.files.report}) {
            if (!*pending) continue;
            list += "f " + (*pending)->temp_path().string() + "\n";
            for (const auto& folder : (*pending)->created_folders()) list += "d " + folder.string() + "\n";
        }
    }
    mpi::bcast_string(job.comm, root, list);
    if (job.is_root()) return;
    std::size_t start = 0;
    for (std::size_t end; (end = list.find('\n', start)) != std::string::npos; start = end + 1)
        job.rank0_files.emplace_back(list.substr(start + 2, end - start - 2), list[start] == 'd'
                                                                                  ? RemoveOnInterrupt::Kind::folder
                                                                                  : RemoveOnInterrupt::Kind::file);
}

// Collective. Every rank learns (n, dtype) of the input from rank 0.
void share_input_shape(Job& job) {
    std::int64_t shape[2] = {job.result.n, static_cast<std::int64_t>(job.result.dtype_in)};
    MPI_Bcast(shape, 2, MPI_INT64_T, root, job.comm);
    job.result.n = shape[0];
    job.result.dtype_in = static_cast<Dtype>(shape[1]);
}

// Rank 0: chunks above HDF5's 4 GiB limit are refused with the option's name, not HDF5's words.
void check_chunk_size(const Job& job) {
    const std::int64_t chunk = std::min(job.options.chunk_elements(), job.result.n);
    const std::uint64_t bytes = static_cast<std::uint64_t>(chunk) * dtype_size(job.result.dtype_out);
    if (bytes >= (std::uint64_t{1} << 32))
        throw UsageError("--chunk " + std::to_string(job.options.chunk_elements()) + ": chunks of " +
                         std::to_string(chunk) + " " + std::string(dtype_name(job.result.dtype_out)) + " values are " +
                         format_bytes(bytes) + "; HDF5 allows less than 4 GiB per chunk, so choose a smaller --chunk");
}

// Rank 0: the output's datasets must fit the file system and the file-size limit (ulimit -f)
// before any work. A compressed output's size is not known in advance: a full disk then stops
// the write itself, but the file-size limit is held against the uncompressed size, because
// HDF5 cannot close a file it could not write to the end (see Job::throw_if_out_of_room).
void check_disk_space(const Job& job) {
    const std::string what =
        "the output (" + std::to_string(job.result.n) + " values" + (job.options.compress ? ", uncompressed)" : ")");
    check_room(job.options.output, job.output_bytes(), what, "choose another --output",
               job.options.compress ? RoomKind::file_size_limit_only : RoomKind::disk_and_file_size_limit);
}

// Collective. The arrays each rank will hold, checked against each node's free memory.
void check_memory(const Job& job) {
    const std::uint64_t in = dtype_size(job.result.dtype_in), out = dtype_size(job.result.dtype_out);
    const std::uint64_t per_element = job.result.dtype_in == job.result.dtype_out ? in : in + out;
    const bool holds_all = job.options.io == IoMode::root && job.is_root();
    const auto elements = static_cast<std::uint64_t>(holds_all ? job.result.n : job.my_count());
    std::uint64_t bytes = 0;  // saturates: n near 2^63 must still be refused, not wrap to a small number
    if (__builtin_mul_overflow(elements, per_element, &bytes)) bytes = UINT64_MAX;
    const std::string what = "squaring " + std::to_string(job.result.n) + " " +
                             std::string(dtype_name(job.result.dtype_in)) + " values with --io " +
                             std::string(io_mode_name(job.options.io));
    // (--n cannot shrink a read input.)
    const std::string advice = job.options.io == IoMode::root ? "--io parallel (no rank then holds the whole array)"
                                                              : "spread the ranks over more nodes";
    mpi::check_memory_fits(job.comm, bytes, what, (job.options.input ? "use " : "use a smaller --n, or ") + advice);
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

// Collective. Rank 0 learns every rank's peak resident memory.
void gather_peak_rss(Job& job) {
    const std::uint64_t mine = peak_rss_bytes();
    job.result.peak_rss_bytes.resize(job.is_root() ? static_cast<std::size_t>(job.result.ranks) : 0);
    MPI_Gather(&mine, 1, MPI_UINT64_T, job.result.peak_rss_bytes.data(), 1, MPI_UINT64_T, root, job.comm);
}

}  // namespace

SquareResult run_square(MPI_Comm comm, const SquareOptions& options) {
    MPI_Barrier(comm);
    Job job{comm, mpi::rank(comm), options, {}, {}, {}, {}, MPI_Wtime(), 0, {}};
    SquareResult& result = job.result;
    result.ranks = mpi::size(comm);
    result.host = mpi::processor_name();
    result.started = utc_now_iso8601();
    result.n = options.n;
    result.dtype_in = options.dtype;
    if (options.input) result.source = options.input->file.string() + ":" + options.input->dataset;

    mpi::agree(comm, [&] {
        // Every rank: mpirun need not pass the setting to every node.
        if (const auto problem = mpi::message_limit_setting_problem()) throw UsageError(*problem);
        if (job.is_root()) open_files(job);
    });
    share_temporary_files(job);
    if (options.input) share_input_shape(job);
    result.dtype_out = squared_dtype(result.dtype_in);
    job.partition = array_split(result.n, result.ranks);
    result.counts = job.partition.counts;
    mpi::agree(comm, [&] {
        if (job.is_root()) check_chunk_size(job);
    });
    check_memory(job);
    mpi::agree(comm, [&] {
        if (job.is_root()) check_disk_space(job);
    });

    if (options.io == IoMode::root)
        run_root_io(job);
    else
        run_parallel_io(job);
    reduce_times(job);
    gather_peak_rss(job);

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
