#include "mpi/messages.hpp"

#include <chrono>
#include <thread>

#include "mpi/environment.hpp"

namespace rankpool::mpi {

void bcast_string(MPI_Comm comm, int root, std::string& text) {
    long long length = static_cast<long long>(text.size());
    MPI_Bcast(&length, 1, MPI_LONG_LONG, root, comm);
    text.resize(static_cast<std::size_t>(length));
    MPI_Bcast(text.data(), static_cast<int>(length), MPI_CHAR, root, comm);  // lists stay far below 2 GiB
}

void send_string(MPI_Comm comm, int destination, int tag, const std::string& text) {
    MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, destination, tag, comm);
}

std::string receive_string(MPI_Comm comm, const MPI_Status& probed) {
    int length = 0;
    MPI_Get_count(&probed, MPI_CHAR, &length);
    std::string text(static_cast<std::size_t>(length), '\0');
    MPI_Recv(text.data(), length, MPI_CHAR, probed.MPI_SOURCE, probed.MPI_TAG, comm, MPI_STATUS_IGNORE);
    return text;
}

void wait_politely(MPI_Request& request) {
    for (int done = 0;;) {
        MPI_Test(&request, &done, MPI_STATUS_IGNORE);
        if (done) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

}  // namespace rankpool::mpi
