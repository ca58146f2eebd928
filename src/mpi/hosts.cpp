#include "mpi/hosts.hpp"

#include <algorithm>
#include <cstring>

#include "mpi/environment.hpp"

namespace rankpool::mpi {

std::vector<std::string> gather_hosts(MPI_Comm comm, int root) {
    char mine[MPI_MAX_PROCESSOR_NAME] = {};
    const std::string name = processor_name();
    std::memcpy(mine, name.data(), std::min(name.size(), sizeof mine - 1));
    const bool is_root = rank(comm) == root;
    const int ranks = size(comm);
    std::vector<char> all(is_root ? static_cast<std::size_t>(ranks) * MPI_MAX_PROCESSOR_NAME : 0);
    MPI_Gather(mine, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, all.data(), MPI_MAX_PROCESSOR_NAME, MPI_CHAR, root, comm);
    std::vector<std::string> hosts;
    for (int r = 0; is_root && r < ranks; ++r)
        hosts.emplace_back(&all[static_cast<std::size_t>(r) * MPI_MAX_PROCESSOR_NAME]);
    return hosts;
}

}  // namespace rankpool::mpi
