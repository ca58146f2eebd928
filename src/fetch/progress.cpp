#include "fetch/progress.hpp"

#include <unistd.h>

namespace rankpool::fetch {

Progress::Progress(std::int64_t total, bool quiet, bool live)
    : total_(total), quiet_(quiet), live_(!quiet && (live || ::isatty(STDERR_FILENO))) {}

void Progress::record(const FetchResult& r) {
    ++done_;
    if (r.status != FetchStatus::failed) bytes_ += r.bytes;
    if (quiet_) return;
    if (live_) return draw();
    const char* plural = r.attempts == 1 ? "" : "s";
    if (r.status == FetchStatus::failed)
        std::fprintf(stderr, "fetch: [%lld/%lld] %s failed: %s (%d attempt%s, rank %d)\n",
                     static_cast<long long>(done_), static_cast<long long>(total_), r.file.c_str(),
                     r.error.value_or("").c_str(), r.attempts, plural, r.rank);
    else if (r.status == FetchStatus::skipped)
        std::fprintf(stderr, "fetch: [%lld/%lld] %s skipped (already complete, %lld bytes, rank %d)\n",
                     static_cast<long long>(done_), static_cast<long long>(total_), r.file.c_str(),
                     static_cast<long long>(r.bytes), r.rank);
    else
        std::fprintf(stderr, "fetch: [%lld/%lld] %s ok (HTTP %ld, %lld bytes, %d attempt%s, rank %d)\n",
                     static_cast<long long>(done_), static_cast<long long>(total_), r.file.c_str(), r.http_status,
                     static_cast<long long>(r.bytes), r.attempts, plural, r.rank);
}

void Progress::tick() {
    if (live_ && std::chrono::steady_clock::now() - last_draw_ > std::chrono::milliseconds(200)) draw();
}

void Progress::draw() {
    last_draw_ = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(last_draw_ - start_).count();
    std::fprintf(stderr, "\rfetch: %lld/%lld files, %.1f MB, %.2f MB/s ", static_cast<long long>(done_),
                 static_cast<long long>(total_), bytes_ / 1e6, seconds > 0 ? bytes_ / 1e6 / seconds : 0.0);
    std::fflush(stderr);
}

void Progress::finish() {
    if (!live_) return;
    draw();
    std::fputc('\n', stderr);
    std::fflush(stderr);
}

}  // namespace rankpool::fetch
