#include "fetch/run_fetch.hpp"

#include <chrono>
#include <fstream>
#include <memory>

#include "fetch/list_file.hpp"
#include "fetch/naming.hpp"
#include "fetch/part_file.hpp"
#include "fetch/summary.hpp"
#include "fetch/transfer_pool.hpp"
#include "fetch/trust.hpp"
#include "fetch/url_list.hpp"
#include "fetch/work_sharing.hpp"
#include "mpi/agree.hpp"
#include "mpi/environment.hpp"
#include "mpi/messages.hpp"
#include "util/error.hpp"
#include "util/open_files.hpp"
#include "util/pending_file.hpp"

namespace rankpool::fetch {

namespace {

// Rank 0: --report and --failed must not overwrite the list or each other.
void check_output_paths(const FetchOptions& options) {
    if (options.report && same_file(*options.report, options.list))
        throw UsageError(options.report->string() + ": is the URL list; choose another --report");
    if (options.failed && same_file(*options.failed, options.list))
        throw UsageError(options.failed->string() + ": is the URL list; choose another --failed");
    if (options.report && options.failed && same_file(*options.report, *options.failed))
        throw UsageError(options.failed->string() + ": is also the --report file; choose another --failed");
}

void write_text(PendingFile& file, const std::string& text) {
    std::ofstream out(file.temp_path(), std::ios::binary);
    out << text;
    out.close();
    if (!out) throw Error(file.final_path().string() + ": cannot write");
    file.commit();
}

// MPI_THREAD_FUNNELED: the committer's threads (fetch/committer.hpp) and the flush thread
// (util/background_flush.hpp) make no MPI calls.
void check_thread_support() {
    int threads = MPI_THREAD_SINGLE;
    MPI_Query_thread(&threads);
    if (threads < MPI_THREAD_FUNNELED)
        throw Error("this MPI library does not allow a second thread (MPI_THREAD_FUNNELED), which fetch needs");
}

// The CA bundle this rank trusts: each rank reads its own environment (mpirun -x, Slurm's export).
std::optional<std::filesystem::path> trusted_bundle(const FetchOptions& options) {
    const auto bundle = choose_ca_bundle(options.ca_cert);
    if (!bundle) return std::nullopt;
    check_ca_bundle(*bundle);
    return bundle->path;
}

}  // namespace

FetchOutcome run_fetch(MPI_Comm parent, const FetchOptions& given) {
    FetchOptions options = given;  // with the CA bundle this rank's environment names
    const auto started = std::chrono::steady_clock::now();
    // A private communicator: fetch's point-to-point traffic (any source, any tag) can never
    // meet anyone else's messages.
    MPI_Comm comm = MPI_COMM_NULL;
    MPI_Comm_dup(parent, &comm);
    const std::unique_ptr<MPI_Comm, void (*)(MPI_Comm*)> free_comm(&comm, [](MPI_Comm* c) { MPI_Comm_free(c); });
    Job job{.comm = comm,
            .rank = mpi::rank(comm),
            .ranks = mpi::size(comm),
            .options = options,
            .host = mpi::processor_name()};
    const bool is_root = job.rank == root;

    std::string text;
    std::optional<PendingFile> report, failed;
    mpi::agree(comm, [&] {
        check_thread_support();
        ensure_open_files(TransferPool::open_files_needed(options.parallel),
                          "--parallel " + std::to_string(options.parallel),
                          "lower --parallel, or raise the limit (ulimit -Hn) where the ranks start");
        options.download.transfer.ca_bundle = trusted_bundle(options);
        if (!is_root) return;
        text = read_list_file(options.list);
        check_output_paths(options);
        // Unwritable report paths show up now, not after the downloads.
        if (options.report) report.emplace(*options.report).create_empty();
        if (options.failed) failed.emplace(*options.failed).create_empty();
    });
    mpi::bcast_string(comm, root, text);
    mpi::agree(comm, [&] {
        job.entries = parse_url_list(text, options.list.string());
        job.names = assign_names(job.entries);
        std::error_code ec;  // every rank: the folder may be node-local
        std::filesystem::create_directories(options.download.out, ec);
        if (ec || !std::filesystem::is_directory(options.download.out))
            throw Error(options.download.out.string() +
                        ": cannot create the download folder: " + (ec ? ec.message() : "not a folder"));
        remove_abandoned_parts(options.download.out);  // a killed earlier run's
        init_http();
    });

    FetchOutcome outcome;
    if (is_root)
        outcome.results = coordinate(job);
    else
        work(job);
    // Ranks that are done wait here without spinning while the others still download.
    MPI_Request all_done;
    MPI_Ibarrier(comm, &all_done);
    mpi::wait_politely(all_done);
    outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    mpi::agree(comm, [&] {
        if (!is_root) return;
        outcome.exit_code = all_succeeded(outcome.results) ? 0 : 1;
        if (report) {
            const RunInfo info{.ranks = job.ranks,
                               .parallel = options.parallel,
                               .schedule = std::string(schedule_name(options.schedule)),
                               .list = options.list.string(),
                               .out = options.download.out.string(),
                               .seconds = outcome.seconds};
            const auto json = report_json(outcome.results, info);
            write_text(*report, json.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n");
        }
        if (failed) write_text(*failed, failed_list(outcome.results, job.entries));
    });
    MPI_Request request;
    MPI_Ibcast(&outcome.exit_code, 1, MPI_INT, root, comm, &request);
    mpi::wait_politely(request);
    return outcome;
}

}  // namespace rankpool::fetch
