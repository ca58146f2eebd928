#include "mpi/environment.hpp"

#include <cstdlib>

#include "mpi/error_handler.hpp"

namespace rankpool::mpi {

Environment::Environment(int& argc, char**& argv) {
    // FUNNELED: fetch's committer threads (fetch/committer.hpp) never call MPI.
    int provided = 0;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);  // fetch checks `provided`
    install_error_handler();
}

Environment::~Environment() {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Finalize();
}

int rank(MPI_Comm comm) {
    int r = 0;
    MPI_Comm_rank(comm, &r);
    return r;
}

int size(MPI_Comm comm) {
    int s = 0;
    MPI_Comm_size(comm, &s);
    return s;
}

std::string processor_name() {
    char name[MPI_MAX_PROCESSOR_NAME];
    int length = 0;
    MPI_Get_processor_name(name, &length);
    return std::string(name, static_cast<std::size_t>(length));
}

std::string library_version() {
    char text[MPI_MAX_LIBRARY_VERSION_STRING];
    int len = 0;
    MPI_Get_library_version(text, &len);
    std::string version(text, static_cast<std::size_t>(len));
    const auto end = version.find_first_of(",\n");
    return version.substr(0, end);
}

void abort_job(int code) {
    MPI_Abort(MPI_COMM_WORLD, code);
    std::_Exit(code);  // MPI_Abort does not return; this keeps the compiler and readers sure
}

}  // namespace rankpool::mpi
