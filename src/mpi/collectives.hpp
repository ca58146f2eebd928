#pragma once
// MPI_Scatterv / MPI_Gatherv over a 1-D array, root data in place (MPI_IN_PLACE): the root's
// own chunk is never copied.
#include <mpi.h>

#include <cstdint>
#include <span>

#include "mpi/counts.hpp"
#include "mpi/datatype.hpp"
#include "mpi/environment.hpp"

namespace rankpool::mpi {

// Collective. counts/displs (elements, one per rank) are the same on every rank.
// At root, `data` is the whole array and its own chunk stays where it is (at displs[root]);
// on the other ranks, `data` receives that rank's counts[rank] elements.
template <class T>
void scatterv(MPI_Comm comm, int root, std::span<const std::int64_t> counts,
              std::span<const std::int64_t> displs, std::span<T> data) {
    const auto c = to_int_counts(counts, displs);
    const MPI_Datatype type = datatype<T>();
    if (rank(comm) == root)
        MPI_Scatterv(data.data(), c.counts.data(), c.displs.data(), type, MPI_IN_PLACE, 0, type,
                     root, comm);
    else
        MPI_Scatterv(nullptr, nullptr, nullptr, type, data.data(), c.counts[rank(comm)], type,
                     root, comm);
}

// Collective. The mirror of scatterv: at root, `data` is the whole array, which receives every
// chunk, its own chunk already in place at displs[root]; other ranks send their `data`.
template <class T>
void gatherv(MPI_Comm comm, int root, std::span<const std::int64_t> counts,
             std::span<const std::int64_t> displs, std::span<T> data) {
    const auto c = to_int_counts(counts, displs);
    const MPI_Datatype type = datatype<T>();
    if (rank(comm) == root)
        MPI_Gatherv(MPI_IN_PLACE, 0, type, data.data(), c.counts.data(), c.displs.data(), type,
                    root, comm);
    else
        MPI_Gatherv(data.data(), c.counts[rank(comm)], type, nullptr, nullptr, nullptr, type,
                    root, comm);
}

}  // namespace rankpool::mpi
