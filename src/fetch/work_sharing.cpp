#include "fetch/work_sharing.hpp"

#include <chrono>
#include <deque>
#include <optional>

#include "fetch/progress.hpp"
#include "fetch/schedule.hpp"
#include "fetch/transfer_pool.hpp"
#include "mpi/messages.hpp"

// The messages, all on the job's communicator, between rank 0 and each other rank (a worker):
//   result_tag:  a worker's finished results, a JSON array of one or more, sent as they end.
//   dynamic only:
//   request_tag: a worker has room for one more URL (empty payload); it keeps at most one
//                request open, and asks only when a transfer could start at once, so that no
//                URL waits behind a slow transfer while another rank has room for it;
//   work_tag:    rank 0's answer, the next URL's index, or no_more_work, after which the
//                worker asks no more.
// Every rank, rank 0 included, keeps up to --parallel transfers in flight with one TransferPool
// on its main thread; rank 0 serves the messages between the steps of its own transfers, and
// under dynamic takes its own URLs from the same counter as the requests.

namespace rankpool::fetch {

namespace {

enum Tag : int { result_tag = 1, request_tag = 2, work_tag = 3 };
constexpr std::int64_t no_more_work = -1;
// How long a step may wait for the transfers when messages may be waiting too.
constexpr auto message_check = std::chrono::milliseconds(1);
constexpr auto transfers_only = std::chrono::milliseconds(500);

// A stray byte that is not UTF-8 must not stop the run.
std::string to_message(const std::vector<FetchResult>& results) {
    return nlohmann::ordered_json(results).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

DownloadRequest request_for(const Job& job, std::int64_t index) {
    const auto i = static_cast<std::size_t>(index);
    return {.entry = job.entries[i], .name = job.names[i], .index = index, .rank = job.rank, .host = job.host};
}

// This rank's URLs under cyclic and block, in order.
class StaticShare {
public:
    explicit StaticShare(const Job& job)
        : indices_(static_assignment(job.options.schedule, job.urls(), job.ranks, job.rank)) {}
    std::optional<std::int64_t> next() {
        if (next_ >= indices_.size()) return std::nullopt;
        return indices_[next_++];
    }

private:
    std::vector<std::int64_t> indices_;
    std::size_t next_ = 0;
};

// Rank 0's side of the protocol: one loop that runs rank 0's own transfers, collects results,
// local and from the workers, answers requests for work and keeps the progress display going.
class Coordinator {
public:
    explicit Coordinator(const Job& job)
        : job_(job),
          share_(job),
          pool_(job.options.download, job.options.parallel),
          results_(job.entries.size()),
          progress_(job.urls(), job.options.quiet, job.options.live_progress) {}

    std::vector<FetchResult> run() {
        while (!finished()) {
            while (pool_.has_room())
                if (auto index = next_local())
                    pool_.add(request_for(job_, *index));
                else
                    break;
            pool_.step(job_.ranks > 1 ? message_check : transfers_only);
            for (auto& result : pool_.take_finished()) record(std::move(result));
            serve_waiting_messages();
            progress_.tick();
        }
        progress_.finish();
        return std::move(results_);
    }

private:
    std::optional<std::int64_t> next_local() { return dynamic() ? take_next_url() : share_.next(); }

    std::optional<std::int64_t> take_next_url() {
        if (next_url_ >= job_.urls()) return std::nullopt;
        return next_url_++;
    }

    // Every result is in and, under dynamic, every worker has been told to stop.
    bool finished() const { return received_ >= job_.urls() && (!dynamic() || stopped_workers_ >= job_.ranks - 1); }

    void serve_waiting_messages() {
        MPI_Status status;
        while (message_waiting(status)) {
            const std::string payload = mpi::receive_string(job_.comm, status);
            if (status.MPI_TAG == request_tag)
                hand_out_work(status.MPI_SOURCE);
            else
                for (auto& result : nlohmann::ordered_json::parse(payload)) record(result.get<FetchResult>());
        }
    }

    bool message_waiting(MPI_Status& status) const {
        int waiting = 0;
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, job_.comm, &waiting, &status);
        return waiting != 0;
    }

    void hand_out_work(int worker) {
        std::int64_t index = take_next_url().value_or(no_more_work);
        if (index == no_more_work) ++stopped_workers_;
        MPI_Send(&index, 1, MPI_INT64_T, worker, work_tag, job_.comm);
    }

    void record(FetchResult result) {
        progress_.record(result);
        results_[static_cast<std::size_t>(result.index)] = std::move(result);
        ++received_;
    }

    bool dynamic() const { return job_.options.schedule == Schedule::dynamic; }

    const Job& job_;
    StaticShare share_;  // cyclic, block
    TransferPool pool_;
    std::vector<FetchResult> results_;  // in list order
    std::int64_t received_ = 0;
    int stopped_workers_ = 0;    // dynamic: told no_more_work
    std::int64_t next_url_ = 0;  // dynamic: the next URL nobody has
    Progress progress_;
};

// A worker's open request for work (dynamic): sent, its answer not yet read.
class WorkRequest {
public:
    explicit WorkRequest(const Job& job) {
        mpi::send_string(job.comm, root, request_tag, "");
        MPI_Irecv(&answer_, 1, MPI_INT64_T, root, work_tag, job.comm, &request_);
    }
    // The answer, once it has come: an index or no_more_work.
    std::optional<std::int64_t> answer() {
        int done = 0;
        MPI_Test(&request_, &done, MPI_STATUS_IGNORE);
        return done ? std::optional<std::int64_t>(answer_) : std::nullopt;
    }
    std::int64_t wait() {
        mpi::wait_politely(request_);
        return answer_;
    }
    WorkRequest(const WorkRequest&) = delete;  // MPI writes into answer_
    WorkRequest& operator=(const WorkRequest&) = delete;

private:
    std::int64_t answer_ = no_more_work;
    MPI_Request request_ = MPI_REQUEST_NULL;
};

// A worker under dynamic: the URLs rank 0 hands out, one request at a time.
class DynamicShare {
public:
    explicit DynamicShare(const Job& job) : job_(job) {}

    std::optional<std::int64_t> next() {
        collect_answer();
        if (queued_.empty()) return std::nullopt;
        const auto index = queued_.front();
        queued_.pop_front();
        return index;
    }
    // For a free transfer slot.
    void ask() {
        if (!open_ && queued_.empty() && !exhausted_) open_.emplace(job_);
    }
    bool waiting() const { return open_.has_value(); }
    bool exhausted() const { return exhausted_ && queued_.empty(); }
    // Nothing else to do: wait for the open request's answer without spinning.
    void wait_for_answer() {
        if (open_) take(open_->wait());
    }

private:
    void collect_answer() {
        if (!open_) return;
        if (auto answer = open_->answer()) take(*answer);
    }
    void take(std::int64_t answer) {
        open_.reset();
        if (answer == no_more_work)
            exhausted_ = true;
        else
            queued_.push_back(answer);
    }

    const Job& job_;
    std::optional<WorkRequest> open_;
    std::deque<std::int64_t> queued_;
    bool exhausted_ = false;
};

// A worker's results on their way to rank 0. Sent without waiting: a blocking send of a message
// beyond MPI's eager limit would spin until rank 0 gets round to receiving it, while this rank's
// own transfers stand still.
class ResultSender {
public:
    explicit ResultSender(const Job& job) : job_(job) {}
    ResultSender(const ResultSender&) = delete;  // MPI reads the messages where they are
    ResultSender& operator=(const ResultSender&) = delete;
    ~ResultSender() {
        for (auto& message : in_flight_) mpi::wait_politely(message.request);
    }

    void send(TransferPool& pool) {
        forget_delivered();
        const auto results = pool.take_finished();
        if (results.empty()) return;
        auto& message = in_flight_.emplace_back(Message{.text = to_message(results)});
        MPI_Isend(message.text.data(), static_cast<int>(message.text.size()), MPI_CHAR, root, result_tag, job_.comm,
                  &message.request);
    }

    // Messages beyond MPI's eager limit move only while this rank calls into MPI: step briefly then.
    bool delivering() const { return !in_flight_.empty(); }

private:
    struct Message {
        std::string text;
        MPI_Request request = MPI_REQUEST_NULL;
    };
    void forget_delivered() {
        for (int done = 1; done && !in_flight_.empty();) {
            MPI_Test(&in_flight_.front().request, &done, MPI_STATUS_IGNORE);
            if (done) in_flight_.pop_front();
        }
    }

    const Job& job_;
    std::deque<Message> in_flight_;  // a deque: adding one moves none of the others
};

void work_static(const Job& job) {
    StaticShare share(job);
    TransferPool pool(job.options.download, job.options.parallel);
    ResultSender sender(job);
    for (bool more = true; more || !pool.idle();) {
        while (more && pool.has_room())
            if (auto index = share.next())
                pool.add(request_for(job, *index));
            else
                more = false;
        pool.step(sender.delivering() ? message_check : transfers_only);
        sender.send(pool);
    }
}

void work_dynamic(const Job& job) {
    DynamicShare share(job);
    TransferPool pool(job.options.download, job.options.parallel);
    ResultSender sender(job);
    while (!share.exhausted() || !pool.idle()) {
        while (pool.has_room())
            if (auto index = share.next())
                pool.add(request_for(job, *index));
            else
                break;
        if (pool.has_room()) share.ask();
        if (pool.idle() && share.waiting()) {
            share.wait_for_answer();
            continue;
        }
        pool.step(share.waiting() || sender.delivering() ? message_check : transfers_only);
        sender.send(pool);
    }
}

}  // namespace

std::vector<FetchResult> coordinate(const Job& job) { return Coordinator(job).run(); }

void work(const Job& job) {
    if (job.options.schedule == Schedule::dynamic)
        work_dynamic(job);
    else
        work_static(job);
}

}  // namespace rankpool::fetch
