#include "fetch/run_fetch.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <thread>

#include "fetch/naming.hpp"
#include "fetch/part_file.hpp"
#include "fetch/progress.hpp"
#include "fetch/summary.hpp"
#include "fetch/url_list.hpp"
#include "mpi/agree.hpp"
#include "mpi/environment.hpp"
#include "mpi/messages.hpp"
#include "util/error.hpp"
#include "util/pending_file.hpp"

namespace rankpool::fetch {

namespace {

constexpr int root = 0;
enum Tag : int { result_tag = 1, request_tag = 2, work_tag = 3 };
constexpr std::int64_t no_more_work = -1;

struct Job {
    MPI_Comm comm;
    int rank, ranks;
    const FetchOptions& options;
    std::vector<ListEntry> entries;
    std::vector<std::string> names;
    std::int64_t urls() const { return static_cast<std::int64_t>(entries.size()); }
};

// Rank 0: the list's bytes. Only a regular file: opening a FIFO nobody writes to would wait
// forever, and a device is no list.
std::string read_list(const std::filesystem::path& path) {
    const std::string name = path.string();
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0)
        throw UsageError(name + ": cannot read the URL list: " + std::strerror(errno));
    if (S_ISDIR(info.st_mode)) throw UsageError(name + ": is a folder, not a URL list");
    if (!S_ISREG(info.st_mode))
        throw UsageError(name + ": is " + (S_ISFIFO(info.st_mode) ? "a FIFO (named pipe)" : "not a regular file") +
                         ", not a URL list; save the list to a file and give its name");
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) throw UsageError(name + ": cannot read the URL list: " + std::strerror(errno));
    const std::unique_ptr<const int, void (*)(const int*)> closed(&fd, [](const int* f) { ::close(*f); });
    std::string text;
    char buffer[1 << 16];
    for (ssize_t got; (got = ::read(fd, buffer, sizeof buffer)) != 0;) {
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) throw UsageError(name + ": cannot read the URL list: " + std::strerror(errno));
        text.append(buffer, static_cast<std::size_t>(got));
    }
    if (text.rfind("\xFF\xFE", 0) == 0 || text.rfind("\xFE\xFF", 0) == 0)
        throw UsageError(name + ": is UTF-16 text (it starts with a UTF-16 byte-order mark); save the list as UTF-8");
    return text;
}

// Rank 0: --report and --failed must not overwrite the list or each other.
void check_output_paths(const FetchOptions& options) {
    if (options.report && same_file(*options.report, options.list))
        throw UsageError(options.report->string() + ": is the URL list; choose another --report");
    if (options.failed && same_file(*options.failed, options.list))
        throw UsageError(options.failed->string() + ": is the URL list; choose another --failed");
    if (options.report && options.failed && same_file(*options.report, *options.failed))
        throw UsageError(options.failed->string() + ": is also the --report file; choose another --failed");
}

// Results travel as JSON; a stray byte that is not UTF-8 must not stop the run.
std::string to_message(const FetchResult& result) {
    return nlohmann::ordered_json(result).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

FetchResult fetch_one(const Job& job, std::int64_t index, HttpClient& client) {
    const auto i = static_cast<std::size_t>(index);
    return download(job.entries[i], job.names[i], index, job.rank, job.options.download, client);
}

// Ranks other than 0: download, and tell rank 0 each result as it comes.
void work(const Job& job) {
    HttpClient client(job.options.download.limits);
    if (job.options.schedule != Schedule::dynamic) {
        for (std::int64_t index : static_assignment(job.options.schedule, job.urls(), job.ranks, job.rank))
            mpi::send_string(job.comm, root, result_tag, to_message(fetch_one(job, index, client)));
        return;
    }
    // Dynamic: each request carries the previous result (none the first time).
    std::string previous;
    for (;;) {
        mpi::send_string(job.comm, root, request_tag, previous);
        std::int64_t index = no_more_work;
        MPI_Recv(&index, 1, MPI_INT64_T, root, work_tag, job.comm, MPI_STATUS_IGNORE);
        if (index == no_more_work) return;
        previous = to_message(fetch_one(job, index, client));
    }
}

// Rank 0: a thread downloads rank 0's share (it makes no MPI calls) while this thread hands out
// work, collects every result and keeps the progress display going.
std::vector<FetchResult> coordinate(const Job& job) {
    const bool dynamic = job.options.schedule == Schedule::dynamic;
    std::atomic<std::int64_t> next_url{0};  // dynamic: shared by the local thread and the requests
    std::mutex mutex;
    std::vector<FetchResult> finished_here;
    std::exception_ptr thread_error;  // read only after join()
    std::atomic<bool> thread_failed{false};

    std::thread local([&] {
        try {
            HttpClient client(job.options.download.limits);
            const auto keep = [&](FetchResult r) {
                std::lock_guard lock(mutex);
                finished_here.push_back(std::move(r));
            };
            if (dynamic)
                for (std::int64_t i; (i = next_url++) < job.urls();) keep(fetch_one(job, i, client));
            else
                for (std::int64_t i : static_assignment(job.options.schedule, job.urls(), job.ranks, root))
                    keep(fetch_one(job, i, client));
        } catch (...) {
            thread_error = std::current_exception();
            thread_failed = true;
        }
    });

    std::vector<FetchResult> results(job.entries.size());
    std::int64_t received = 0;
    int stopped_workers = 0;
    Progress progress(job.urls(), job.options.quiet, job.options.live_progress);
    const auto record = [&](FetchResult r) {
        progress.record(r);
        results[static_cast<std::size_t>(r.index)] = std::move(r);
        ++received;
    };
    // Whatever happens in this loop, the download thread is joined before leaving.
    const auto join = [&](std::thread* t) { t->join(); };
    std::unique_ptr<std::thread, decltype(join)> joined(&local, join);
    while (received < job.urls() || (dynamic && stopped_workers < job.ranks - 1)) {
        bool busy = false;
        {
            std::vector<FetchResult> mine;
            {
                std::lock_guard lock(mutex);
                mine.swap(finished_here);
            }
            for (auto& r : mine) record(std::move(r));
            busy = !mine.empty();
        }
        for (int waiting = 1; waiting;) {
            MPI_Status status;
            MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, job.comm, &waiting, &status);
            if (!waiting) break;
            busy = true;
            const std::string payload = mpi::receive_string(job.comm, status);
            if (!payload.empty()) record(nlohmann::ordered_json::parse(payload).get<FetchResult>());
            if (status.MPI_TAG == request_tag) {
                std::int64_t index = next_url++;
                if (index >= job.urls()) {
                    index = no_more_work;
                    ++stopped_workers;
                }
                MPI_Send(&index, 1, MPI_INT64_T, status.MPI_SOURCE, work_tag, job.comm);
            }
        }
        if (thread_failed) break;
        progress.tick();
        if (!busy) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    joined.reset();
    if (thread_error) std::rethrow_exception(thread_error);
    progress.finish();
    return results;
}

void write_text(PendingFile& file, const std::string& text) {
    std::ofstream out(file.temp_path(), std::ios::binary);
    out << text;
    out.close();
    if (!out) throw Error(file.final_path().string() + ": cannot write");
    file.commit();
}

}  // namespace

FetchOutcome run_fetch(MPI_Comm parent, const FetchOptions& options) {
    const auto started = std::chrono::steady_clock::now();
    // A private communicator: fetch's point-to-point traffic (any source, any tag) can never
    // meet anyone else's messages.
    MPI_Comm comm = MPI_COMM_NULL;
    MPI_Comm_dup(parent, &comm);
    const std::unique_ptr<MPI_Comm, void (*)(MPI_Comm*)> free_comm(&comm, [](MPI_Comm* c) { MPI_Comm_free(c); });
    Job job{comm, mpi::rank(comm), mpi::size(comm), options, {}, {}};
    const bool is_root = job.rank == root;

    std::string text;
    std::optional<PendingFile> report, failed;
    mpi::agree(comm, [&] {
        if (!is_root) return;
        int threads = MPI_THREAD_SINGLE;
        MPI_Query_thread(&threads);
        if (threads < MPI_THREAD_FUNNELED)
            throw Error(
                "this MPI library does not allow a second thread (MPI_THREAD_FUNNELED), which fetch needs on rank 0");
        text = read_list(options.list);
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
        if (report)
            write_text(*report, report_json(outcome.results,
                                            {job.ranks, std::string(schedule_name(options.schedule)),
                                             options.list.string(), options.download.out.string(), outcome.seconds})
                                        .dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) +
                                    "\n");
        if (failed) write_text(*failed, failed_list(outcome.results, job.entries));
    });
    MPI_Request request;
    MPI_Ibcast(&outcome.exit_code, 1, MPI_INT, root, comm, &request);
    mpi::wait_politely(request);
    return outcome;
}

}  // namespace rankpool::fetch
