#pragma once
// MPI_Init / MPI_Finalize as one scope-bound object, and the few facts every layer asks for.
// Initialising also installs rankpool's MPI error policy (mpi/error_handler.hpp): fatal.
#include <mpi.h>

#include <string>

namespace rankpool::mpi {

class Environment {
public:
    Environment(int& argc, char**& argv);
    ~Environment();  // MPI_Finalize unless MPI was already finalized or aborted
    Environment(const Environment&) = delete;
    Environment& operator=(const Environment&) = delete;
};

int rank(MPI_Comm comm = MPI_COMM_WORLD);
int size(MPI_Comm comm = MPI_COMM_WORLD);
// The MPI library's name and version, "Open MPI v4.1.4" (the first part of its version string).
std::string library_version();
// This rank's node, as MPI names it (its hostname).
std::string processor_name();

// Ends every rank of the job now: for failures that the other ranks cannot know about.
[[noreturn]] void abort_job(int code);

}  // namespace rankpool::mpi
