#pragma once
// Phase timing the way scaling studies expect it: all ranks start together (barrier), each
// rank measures its own MPI_Wtime interval, and the intervals are reduced to min/mean/max.
#include <mpi.h>

#include <string>
#include <vector>

#include "mpi/agree.hpp"
#include "util/phase_stats.hpp"

namespace rankpool::mpi {

// Collective. Barrier, then time `work`, which may call collectives (scatter, gather).
template <class Work>
double timed_collective(MPI_Comm comm, Work&& work) {
    MPI_Barrier(comm);
    const double start = MPI_Wtime();
    work();
    return MPI_Wtime() - start;
}

// Collective. Barrier, then time `work`, which must be local (no collectives), and agree on
// its success (see agree.hpp). The waiting for agreement is not part of the time.
template <class Work>
double timed_local(MPI_Comm comm, Work&& work) {
    MPI_Barrier(comm);
    double seconds = 0;
    agree(comm, [&] {
        const double start = MPI_Wtime();
        work();
        seconds = MPI_Wtime() - start;
    });
    return seconds;
}

// Collective. Element-wise min/mean/max over ranks of each rank's `seconds`.
std::vector<PhaseStats> reduce_over_ranks(MPI_Comm comm, const std::vector<double>& seconds);

}  // namespace rankpool::mpi
