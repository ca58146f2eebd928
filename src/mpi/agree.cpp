#include "mpi/agree.hpp"

#include "mpi/environment.hpp"
#include "util/error.hpp"

namespace rankpool::mpi {

void raise_if_any_failed(MPI_Comm comm, const std::string& local_error, int exit_code) {
    const int me = rank(comm);
    const int nranks = size(comm);
    const int mine = local_error.empty() ? nranks : me;
    int first_failed = nranks;
    MPI_Allreduce(&mine, &first_failed, 1, MPI_INT, MPI_MIN, comm);
    if (first_failed == nranks) return;

    std::string message = me == first_failed ? local_error : std::string();
    int header[2] = {static_cast<int>(message.size()), exit_code};  // length, exit code
    MPI_Bcast(header, 2, MPI_INT, first_failed, comm);
    message.resize(static_cast<std::size_t>(header[0]));
    MPI_Bcast(message.data(), header[0], MPI_CHAR, first_failed, comm);
    if (first_failed != 0) message = "rank " + std::to_string(first_failed) + ": " + message;
    throw AgreedError(message, header[1]);
}

}  // namespace rankpool::mpi
