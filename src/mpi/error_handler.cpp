#include "mpi/error_handler.hpp"

#include <cstdio>
#include <string>

#include "mpi/environment.hpp"
#include "util/text.hpp"

namespace rankpool::mpi {

namespace {

void report_and_abort(MPI_Comm* /*comm*/, int* code, ...) {
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    if (MPI_Error_string(*code, text, &length) != MPI_SUCCESS) length = 0;
    const std::string what =
        length > 0 ? std::string(text, static_cast<std::size_t>(length)) : "error code " + std::to_string(*code);
    const std::string line = "rankpool: error: MPI: " + printable_message(what) + " (rank " + std::to_string(rank()) +
                             " on " + processor_name() + ")\n";
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
    abort_job(1);  // the whole job: the other ranks may be waiting in the call that failed here
}

}  // namespace

void install_error_handler() {
    MPI_Errhandler handler;
    MPI_Comm_create_errhandler(report_and_abort, &handler);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, handler);
    MPI_Errhandler_free(&handler);  // the communicator keeps its own reference
}

}  // namespace rankpool::mpi
