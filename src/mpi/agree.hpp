#pragma once
// Agreeing on success: a failure on one rank must reach every rank, or the others wait
// forever in the next collective.
#include <mpi.h>

#include <exception>
#include <string>

#include "util/error.hpp"

namespace rankpool::mpi {

// Collective. If local_error is non-empty on any rank, every rank throws AgreedError carrying
// the message and exit code of the lowest failing rank (prefixed "rank N: " when N is not 0).
void raise_if_any_failed(MPI_Comm comm, const std::string& local_error, int exit_code = 1);

// Collective. Runs `step` on every rank, then agrees on its outcome as above.
// `step` must not call collectives itself: a rank that throws early would leave the others
// waiting in them.
template <class Step>
void agree(MPI_Comm comm, Step&& step) {
    std::string error;  // empty: this rank succeeded
    int exit_code = 1;
    try {
        step();
    } catch (const Error& e) {
        error = *e.what() ? e.what() : "unknown error";
        exit_code = e.exit_code();
    } catch (const std::exception& e) {
        error = *e.what() ? e.what() : "unknown error";
    }
    raise_if_any_failed(comm, error, exit_code);
}

}  // namespace rankpool::mpi
