#include "mpi/phase_timer.hpp"

#include <algorithm>

#include "mpi/environment.hpp"

namespace rankpool::mpi {

std::vector<PhaseStats> reduce_over_ranks(MPI_Comm comm, const std::vector<double>& seconds) {
    const int n = static_cast<int>(seconds.size());
    std::vector<double> lo(seconds.size()), hi(seconds.size()), sum(seconds.size());
    MPI_Allreduce(seconds.data(), lo.data(), n, MPI_DOUBLE, MPI_MIN, comm);
    MPI_Allreduce(seconds.data(), hi.data(), n, MPI_DOUBLE, MPI_MAX, comm);
    MPI_Allreduce(seconds.data(), sum.data(), n, MPI_DOUBLE, MPI_SUM, comm);
    std::vector<PhaseStats> stats(seconds.size());
    for (std::size_t i = 0; i < seconds.size(); ++i)
        stats[i] = {
            .min = lo[i], .mean = std::clamp(sum[i] / size(comm), lo[i], hi[i]), .max = hi[i]};  // clamp: rounding
    return stats;
}

}  // namespace rankpool::mpi
