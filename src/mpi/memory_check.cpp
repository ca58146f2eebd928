#include "mpi/memory_check.hpp"

#include <vector>

#include "mpi/agree.hpp"
#include "mpi/environment.hpp"
#include "util/error.hpp"
#include "util/memory.hpp"

namespace rankpool::mpi {

namespace {
// The ranks of comm on this node, freed on scope exit.
struct NodeComm {
    MPI_Comm comm = MPI_COMM_NULL;
    explicit NodeComm(MPI_Comm parent) { MPI_Comm_split_type(parent, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &comm); }
    ~NodeComm() { MPI_Comm_free(&comm); }
    NodeComm(const NodeComm&) = delete;
    NodeComm& operator=(const NodeComm&) = delete;
};
}  // namespace

void check_memory_fits(MPI_Comm comm, std::uint64_t bytes, const std::string& what, const std::string& advice) {
    const NodeComm node(comm);
    std::uint64_t node_bytes = 0;
    MPI_Reduce(&bytes, &node_bytes, 1, MPI_UINT64_T, MPI_SUM, 0, node.comm);
    std::uint64_t root_bytes = bytes;
    MPI_Bcast(&root_bytes, 1, MPI_UINT64_T, 0, comm);  // rank 0's share, for the message
    const bool node_leader = rank(node.comm) == 0;
    agree(comm, [&] {
        if (!node_leader) return;
        const auto available = available_memory();
        if (!available || node_bytes <= available->bytes) return;
        char host[MPI_MAX_PROCESSOR_NAME];
        int length = 0;
        MPI_Get_processor_name(host, &length);
        throw Error(what + " needs " + format_bytes(node_bytes) + " of memory on " + std::string(host, length) + " (" +
                    std::to_string(size(node.comm)) + " rank" + (size(node.comm) == 1 ? "" : "s") + " there; rank 0 alone " +
                    format_bytes(root_bytes) + "), but only " + format_bytes(available->bytes) + " are available (" +
                    available->source + "); " + advice);
    });
}

}  // namespace rankpool::mpi
