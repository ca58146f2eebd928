#pragma once
// Scatterv / Gatherv of a 1-D array with 64-bit counts, root data in place: the root's own
// chunk is never copied.
//
// When every chunk fits one message (message_limit.hpp) and every offset fits an int, this is
// one MPI_Scatterv / MPI_Gatherv with MPI_IN_PLACE at the root. Otherwise the root exchanges
// each chunk with its rank point to point, in pieces of at most message_limit elements: any
// size works on MPI 3.1, whose collectives take int counts. Every rank takes the same branch:
// counts and displs are the same everywhere, and the limit is agreed on.
#include <mpi.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "mpi/counts.hpp"
#include "mpi/datatype.hpp"
#include "mpi/environment.hpp"
#include "mpi/message_limit.hpp"

namespace rankpool::mpi {

namespace detail {

constexpr int piece_tag = 7301;

inline bool fits_one_collective(std::span<const std::int64_t> counts, std::span<const std::int64_t> displs,
                                std::int64_t limit) {
    const auto largest = [](std::span<const std::int64_t> v) {
        return v.empty() ? 0 : *std::max_element(v.begin(), v.end());
    };
    return largest(counts) <= limit && largest(displs) <= std::numeric_limits<int>::max();
}

// Starts the transfer of `count` elements at `data` to or from `peer` in pieces of at most
// `limit`. Pieces between two ranks match in order (MPI's non-overtaking rule), so one tag
// serves them all.
template <class T>
void start_pieces(bool send, T* data, std::int64_t count, int peer, std::int64_t limit, MPI_Comm comm,
                  std::vector<MPI_Request>& requests) {
    for (std::int64_t done = 0; done < count; done += limit) {
        const int piece = static_cast<int>(std::min(limit, count - done));
        MPI_Request request;
        if (send)
            MPI_Isend(data + done, piece, datatype<T>(), peer, piece_tag, comm, &request);
        else
            MPI_Irecv(data + done, piece, datatype<T>(), peer, piece_tag, comm, &request);
        requests.push_back(request);
    }
}

// Collective in effect (every rank calls it). The root sends (scatter) or receives (gather)
// every other rank's chunk; each other rank does the opposite with its own chunk.
template <class T>
void exchange_in_pieces(bool scatter, MPI_Comm comm, int root, std::span<const std::int64_t> counts,
                        std::span<const std::int64_t> displs, std::span<T> data, std::int64_t limit) {
    std::vector<MPI_Request> requests;
    const int me = rank(comm);
    if (me == root) {
        for (int r = 0; r < static_cast<int>(counts.size()); ++r)
            if (r != root) start_pieces(scatter, data.data() + displs[r], counts[r], r, limit, comm, requests);
    } else {
        start_pieces(!scatter, data.data(), counts[me], root, limit, comm, requests);
    }
    MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE);
}

}  // namespace detail

// Collective. counts/displs (elements, one per rank) are the same on every rank.
// At root, `data` is the whole array and its own chunk stays where it is (at displs[root]);
// on the other ranks, `data` receives that rank's counts[rank] elements.
template <class T>
void scatterv(MPI_Comm comm, int root, std::span<const std::int64_t> counts, std::span<const std::int64_t> displs,
              std::span<T> data) {
    const std::int64_t limit = agreed_message_limit(comm, sizeof(T));
    if (!detail::fits_one_collective(counts, displs, limit))
        return detail::exchange_in_pieces(true, comm, root, counts, displs, data, limit);
    const auto c = to_int_counts(counts, displs);
    const MPI_Datatype type = datatype<T>();
    if (rank(comm) == root)
        MPI_Scatterv(data.data(), c.counts.data(), c.displs.data(), type, MPI_IN_PLACE, 0, type, root, comm);
    else
        MPI_Scatterv(nullptr, nullptr, nullptr, type, data.data(), c.counts[rank(comm)], type, root, comm);
}

// Collective. The mirror of scatterv: at root, `data` is the whole array, which receives every
// chunk, its own chunk already in place at displs[root]; other ranks send their `data`.
template <class T>
void gatherv(MPI_Comm comm, int root, std::span<const std::int64_t> counts, std::span<const std::int64_t> displs,
             std::span<T> data) {
    const std::int64_t limit = agreed_message_limit(comm, sizeof(T));
    if (!detail::fits_one_collective(counts, displs, limit))
        return detail::exchange_in_pieces(false, comm, root, counts, displs, data, limit);
    const auto c = to_int_counts(counts, displs);
    const MPI_Datatype type = datatype<T>();
    if (rank(comm) == root)
        MPI_Gatherv(MPI_IN_PLACE, 0, type, data.data(), c.counts.data(), c.displs.data(), type, root, comm);
    else
        MPI_Gatherv(data.data(), c.counts[rank(comm)], type, nullptr, nullptr, nullptr, type, root, comm);
}

}  // namespace rankpool::mpi
