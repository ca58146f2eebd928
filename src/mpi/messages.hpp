#pragma once
// Text messages between ranks, and waiting without spinning a core.
#include <mpi.h>

#include <string>

namespace rankpool::mpi {

// Collective. Every rank gets root's text.
void bcast_string(MPI_Comm comm, int root, std::string& text);

void send_string(MPI_Comm comm, int destination, int tag, const std::string& text);
// Receives the message that MPI_Probe / MPI_Iprobe just reported in `probed`.
std::string receive_string(MPI_Comm comm, const MPI_Status& probed);

// Waits for a request, sleeping between tests: a rank that has finished its work must not
// take a core from the ranks still downloading (MPI's blocking waits spin at 100%).
void wait_politely(MPI_Request& request);

}  // namespace rankpool::mpi
