#include "fetch/work_sharing.hpp"

#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <thread>

#include "fetch/downloader.hpp"
#include "fetch/progress.hpp"
#include "fetch/schedule.hpp"
#include "mpi/messages.hpp"

// The messages, all on the job's communicator, between rank 0 and each other rank (a worker):
//   cyclic, block: the worker sends result_tag, one result per URL of its share, as each ends.
//   dynamic:       the worker sends request_tag carrying its previous result (empty the first
//                  time); rank 0 answers work_tag with the next URL's index, or no_more_work,
//                  after which the worker sends nothing more.
// Results travel as JSON text. Rank 0 downloads too, on a second thread that makes no MPI calls
// (MPI_THREAD_FUNNELED); under dynamic it takes its URLs from the same counter as the requests.

namespace rankpool::fetch {

namespace {

enum Tag : int { result_tag = 1, request_tag = 2, work_tag = 3 };
constexpr std::int64_t no_more_work = -1;
constexpr auto idle_pause = std::chrono::milliseconds(2);  // between polls when nothing happened

// A stray byte that is not UTF-8 must not stop the run.
std::string to_message(const FetchResult& result) {
    return nlohmann::ordered_json(result).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

FetchResult fetch_one(const Job& job, std::int64_t index, HttpClient& client) {
    const auto i = static_cast<std::size_t>(index);
    FetchResult result = download(job.entries[i], job.names[i], index, job.rank, job.options.download, client);
    result.host = job.host;
    return result;
}

// Rank 0's own share, downloaded on a thread of its own; the results wait here until taken.
// The destructor waits for the thread.
class LocalDownloads {
public:
    LocalDownloads(const Job& job, std::atomic<std::int64_t>& next_url)
        : job_(job), next_url_(next_url), thread_([this] { run(); }) {}
    ~LocalDownloads() {
        if (thread_.joinable()) thread_.join();
    }
    LocalDownloads(const LocalDownloads&) = delete;
    LocalDownloads& operator=(const LocalDownloads&) = delete;

    std::vector<FetchResult> take_finished() {
        std::vector<FetchResult> taken;
        std::lock_guard lock(mutex_);
        taken.swap(finished_);
        return taken;
    }
    bool failed() const { return failed_; }

    // Waits for the thread; rethrows what stopped it, if anything did.
    void join() {
        thread_.join();
        if (error_) std::rethrow_exception(error_);
    }

private:
    void run() {
        try {
            HttpClient client(job_.options.download.limits);
            if (job_.options.schedule == Schedule::dynamic)
                for (std::int64_t i; (i = next_url_++) < job_.urls();) keep(fetch_one(job_, i, client));
            else
                for (std::int64_t i : static_assignment(job_.options.schedule, job_.urls(), job_.ranks, root))
                    keep(fetch_one(job_, i, client));
        } catch (...) {
            error_ = std::current_exception();
            failed_ = true;
        }
    }
    void keep(FetchResult result) {
        std::lock_guard lock(mutex_);
        finished_.push_back(std::move(result));
    }

    const Job& job_;
    std::atomic<std::int64_t>& next_url_;
    std::mutex mutex_;
    std::vector<FetchResult> finished_;  // guarded by mutex_
    std::exception_ptr error_;           // read only after join
    std::atomic<bool> failed_{false};
    std::thread thread_;  // last: it starts once everything it uses exists
};

// Rank 0's side of the protocol: one loop that collects results, local and from the workers,
// answers requests for work and keeps the progress display going.
class Coordinator {
public:
    explicit Coordinator(const Job& job)
        : job_(job),
          results_(job.entries.size()),
          progress_(job.urls(), job.options.quiet, job.options.live_progress) {}

    std::vector<FetchResult> run() {
        LocalDownloads local(job_, next_url_);
        while (!finished()) {
            const bool local_results = record_all(local.take_finished());
            const bool messages = serve_waiting_messages();
            if (local.failed()) break;
            progress_.tick();
            if (!local_results && !messages) std::this_thread::sleep_for(idle_pause);
        }
        local.join();
        progress_.finish();
        return std::move(results_);
    }

private:
    // Every result is in and, under dynamic, every worker has been told to stop.
    bool finished() const { return received_ >= job_.urls() && (!dynamic() || stopped_workers_ >= job_.ranks - 1); }

    // Receives every message already waiting; false if there was none.
    bool serve_waiting_messages() {
        bool any = false;
        MPI_Status status;
        while (message_waiting(status)) {
            any = true;
            const std::string payload = mpi::receive_string(job_.comm, status);
            if (!payload.empty()) record(nlohmann::ordered_json::parse(payload).get<FetchResult>());
            if (status.MPI_TAG == request_tag) hand_out_work(status.MPI_SOURCE);
        }
        return any;
    }

    bool message_waiting(MPI_Status& status) const {
        int waiting = 0;
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, job_.comm, &waiting, &status);
        return waiting != 0;
    }

    void hand_out_work(int worker) {
        std::int64_t index = next_url_++;
        if (index >= job_.urls()) {
            index = no_more_work;
            ++stopped_workers_;
        }
        MPI_Send(&index, 1, MPI_INT64_T, worker, work_tag, job_.comm);
    }

    // Rank 0's own results; false if there was none.
    bool record_all(std::vector<FetchResult> results) {
        for (auto& r : results) record(std::move(r));
        return !results.empty();
    }

    void record(FetchResult result) {
        progress_.record(result);
        results_[static_cast<std::size_t>(result.index)] = std::move(result);
        ++received_;
    }

    bool dynamic() const { return job_.options.schedule == Schedule::dynamic; }

    const Job& job_;
    std::vector<FetchResult> results_;  // in list order
    std::int64_t received_ = 0;
    int stopped_workers_ = 0;                // dynamic: told no_more_work
    std::atomic<std::int64_t> next_url_{0};  // dynamic: shared with the local downloads
    Progress progress_;
};

}  // namespace

std::vector<FetchResult> coordinate(const Job& job) { return Coordinator(job).run(); }

void work(const Job& job) {
    HttpClient client(job.options.download.limits);
    if (job.options.schedule != Schedule::dynamic) {
        for (std::int64_t index : static_assignment(job.options.schedule, job.urls(), job.ranks, job.rank))
            mpi::send_string(job.comm, root, result_tag, to_message(fetch_one(job, index, client)));
        return;
    }
    std::string previous;  // each request carries the previous result
    for (;;) {
        mpi::send_string(job.comm, root, request_tag, previous);
        std::int64_t index = no_more_work;
        MPI_Recv(&index, 1, MPI_INT64_T, root, work_tag, job.comm, MPI_STATUS_IGNORE);
        if (index == no_more_work) return;
        previous = to_message(fetch_one(job, index, client));
    }
}

}  // namespace rankpool::fetch
