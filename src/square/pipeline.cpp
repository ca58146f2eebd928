#include "square/pipeline.hpp"

#include <cstdint>
#include <cstdio>
#include <deque>
#include <fstream>
#include <memory>
#include <string>

#include "mpi/agree.hpp"
#include "mpi/environment.hpp"
#include "mpi/hosts.hpp"
#include "mpi/message_limit.hpp"
#include "mpi/messages.hpp"
#include "square/checks.hpp"
#include "square/job.hpp"
#include "square/out_of_room.hpp"
#include "square/report.hpp"
#include "square/square_io.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/memory.hpp"
#include "util/test_stall.hpp"
#include "util/text.hpp"

namespace rankpool {

namespace {

// Rank 0: the output and the report under temporary names, after removing what a killed run
// writing the same files left. The report's is created now, so an unwritable location fails
// before any work.
void create_pending_files(Job& job) {
    const SquareOptions& o = job.options;
    for (const auto* path : {&o.output, o.report ? &*o.report : nullptr})
        if (path)
            for (const std::string& line : remove_abandoned_temporaries(*path))
                std::fprintf(stderr, "rankpool: %s\n", line.c_str());
    job.files.output.emplace(o.output);
    if (!o.report) return;
    job.files.report.emplace(*o.report);
    job.files.report->create_empty();
}

// Collective. Every rank registers rank 0's temporary files and new folders for removal on
// SIGINT/SIGTERM: mpirun SIGKILLs the whole job as soon as one rank exits, and rank 0 may be
// the slowest to react (busy in the kernel, faulting in memory), so whichever rank handles the
// signal first removes them. (Unlinking an already removed or renamed file does nothing.)
// On rank 0 the list is empty: its pending files register themselves.
std::deque<RemoveOnInterrupt> share_temporary_files(const Job& job) {
    std::string list;  // "f PATH" and "d PATH" lines
    if (job.is_root()) {
        for (const auto* pending : {&job.files.output, &job.files.report}) {
            if (!*pending) continue;
            list += "f " + (*pending)->temp_path().string() + "\n";
            list += "f " + (*pending)->live_path().string() + "\n";
            for (const auto& folder : (*pending)->created_folders()) list += "d " + folder.string() + "\n";
        }
    }
    mpi::bcast_string(job.comm, root, list);
    std::deque<RemoveOnInterrupt> rank0_files;
    if (job.is_root()) return rank0_files;
    std::size_t start = 0;
    for (std::size_t end; (end = list.find('\n', start)) != std::string::npos; start = end + 1) {
        const auto kind = list[start] == 'd' ? RemoveOnInterrupt::Kind::folder : RemoveOnInterrupt::Kind::file;
        rank0_files.emplace_back(list.substr(start + 2, end - start - 2), kind);
    }
    return rank0_files;
}

// Collective. Every rank learns (n, dtype) of the input from rank 0.
void share_input_shape(Job& job) {
    std::int64_t shape[2] = {job.result.n, static_cast<std::int64_t>(job.result.dtype_in)};
    MPI_Bcast(shape, 2, MPI_INT64_T, root, job.comm);
    job.result.n = shape[0];
    job.result.dtype_in = static_cast<Dtype>(shape[1]);
}

// Collective. Rank 0 learns every rank's peak resident memory.
void gather_peak_rss(Job& job) {
    const std::uint64_t mine = peak_rss_bytes();
    job.result.peak_rss_bytes.resize(job.is_root() ? static_cast<std::size_t>(job.result.ranks) : 0);
    MPI_Gather(&mine, 1, MPI_UINT64_T, job.result.peak_rss_bytes.data(), 1, MPI_UINT64_T, root, job.comm);
}

// Rank 0: writes the report, then moves both files into place, only when both are complete.
void commit_outputs(Job& job) {
    stall_if_asked("commit", job.rank);
    if (job.files.report) {
        std::ofstream out(job.files.report->temp_path());
        out << report_json(job.result, job.options).dump(2) << '\n';
        out.close();
        if (!out) throw Error(job.options.report->string() + ": cannot write the report");
    }
    job.files.output->commit();
    if (job.files.report) job.files.report->commit();
}

}  // namespace

SquareResult run_square(MPI_Comm comm, const SquareOptions& options) {
    MPI_Barrier(comm);
    Job job{.comm = comm, .rank = mpi::rank(comm), .options = options, .start = MPI_Wtime()};
    SquareResult& result = job.result;
    result.ranks = mpi::size(comm);
    result.host = mpi::processor_name();
    result.started = utc_now_iso8601();
    result.n = options.n;
    result.dtype_in = options.dtype;
    if (options.input) result.source = options.input->file.string() + ":" + options.input->dataset;
    // After `job`: the mode's HDF5 files close before rank 0's pending files remove theirs.
    const std::unique_ptr<SquareIo> io = options.io == IoMode::root ? make_root_io() : make_parallel_io();

    // Before any work: every path problem shows up now, not after the computation.
    mpi::agree(comm, [&] {
        // Every rank: mpirun need not pass the setting to every node.
        if (const auto problem = mpi::message_limit_setting_problem()) throw UsageError(*problem);
        if (!job.is_root()) return;
        check_paths(job);
        create_pending_files(job);
        io->prepare(job);
    });
    const std::deque<RemoveOnInterrupt> rank0_files = share_temporary_files(job);
    if (options.io == IoMode::parallel) check_shared_paths(job);
    if (options.input) share_input_shape(job);
    result.dtype_out = squared_dtype(result.dtype_in);
    job.partition = array_split(result.n, result.ranks);
    result.counts = job.partition.counts;
    mpi::agree(comm, [&] {
        if (job.is_root()) check_chunk_size(job);
    });
    check_memory(job);
    mpi::agree(comm, [&] {
        if (job.is_root()) check_room_for_output(job);
    });

    io->run(job);
    reduce_times(job);
    gather_peak_rss(job);
    result.rank_hosts = mpi::gather_hosts(comm, root);
    mpi::agree(comm, [&] {
        if (job.is_root()) commit_outputs(job);
    });
    return result;
}

}  // namespace rankpool
