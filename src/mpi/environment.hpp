#pragma once
// MPI_Init / MPI_Finalize as one scope-bound object, and the few facts every layer asks for.
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
std::string library_version();
std::string
processor_name();  // this rank's node, as MPI names it  // "Open MPI v4.1.4, package: ..." (first line only)

// Ends every rank of the job now: for failures that the other ranks cannot know about.
[[noreturn]] void abort_job(int code);

}  // namespace rankpool::mpi
