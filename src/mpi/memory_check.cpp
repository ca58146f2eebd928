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
    // Summed as double: exact enough for a comparison, and it cannot wrap around.
    const double mine = static_cast<double>(bytes);
    double node_bytes = 0;
    MPI_Reduce(&mine, &node_bytes, 1, MPI_DOUBLE, MPI_SUM, 0, node.comm);
    const bool node_leader = rank(node.comm) == 0;
    const bool holds_rank_0 = rank(comm) == 0;  // rank 0 leads its node: the split keeps the order
    agree(comm, [&] {
        if (!node_leader) return;
        const auto available = available_memory();
        if (!available || node_bytes <= static_cast<double>(available->bytes)) return;
        const int ranks = size(node.comm);
        const std::uint64_t needed = node_bytes >= 1.8e19 ? UINT64_MAX : static_cast<std::uint64_t>(node_bytes);
        throw Error(what + " needs " + format_bytes(needed) + " of memory on " + processor_name() + " (" +
                    std::to_string(ranks) + " rank" + (ranks == 1 ? "" : "s") + " there" +
                    (holds_rank_0 ? "; rank 0 alone " + format_bytes(bytes) : std::string()) + "), but only " +
                    format_bytes(available->bytes) + " are available (" + available->source + "); " + advice);
    });
}

}  // namespace rankpool::mpi
