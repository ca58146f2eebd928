#pragma once
// Agreeing on success: a failure on one rank must reach every rank, or the others wait
// forever in the next collective.
#include <mpi.h>

#include <exception>
#include <string>

namespace rankpool::mpi {

// Collective. If local_error is non-empty on any rank, every rank throws AgreedError carrying
// the message of the lowest failing rank (prefixed "rank N: " when N is not 0).
void raise_if_any_failed(MPI_Comm comm, const std::string& local_error);

// Collective. Runs `step` on every rank, then agrees on its outcome as above.
// `step` must not call collectives itself: a rank that throws early would leave the others
// waiting in them.
template <class Step>
void agree(MPI_Comm comm, Step&& step) {
    std::string error;
    try {
        step();
    } catch (const std::exception& e) {
        error = e.what();
        if (error.empty()) error = "unknown error";
    }
    raise_if_any_failed(comm, error);
}

}  // namespace rankpool::mpi
