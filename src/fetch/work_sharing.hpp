#pragma once
// How the ranks share the URLs and how every result reaches rank 0 (the messages: work_sharing.cpp).
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "fetch/result.hpp"
#include "fetch/run_fetch.hpp"
#include "fetch/url_list.hpp"

namespace rankpool::fetch {

constexpr int root = 0;  // reads the list, hands out work, gathers the results, writes the report

// One fetch run, as every rank knows it once the list is parsed.
struct Job {
    MPI_Comm comm;  // fetch's own: no other messages on it
    int rank, ranks;
    const FetchOptions& options;
    std::string host{};  // this rank's node, for each result
    // {}: filled once the list is parsed, so a designated initialiser leaves them out.
    std::vector<ListEntry> entries{};
    std::vector<std::string> names{};  // one per entry
    std::int64_t urls() const { return static_cast<std::int64_t>(entries.size()); }
};

// Rank 0: downloads its own share, hands out work under the dynamic schedule, shows progress.
// Returns one result per entry, in list order, once every result is in.
std::vector<FetchResult> coordinate(const Job& job);

// Every other rank: downloads its share and sends each result to rank 0.
void work(const Job& job);

}  // namespace rankpool::fetch
