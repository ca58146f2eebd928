#include "mpi/counts.hpp"

#include <limits>
#include <string>

#include "util/error.hpp"

namespace rankpool::mpi {

namespace {
int checked(std::int64_t value, const char* what, std::size_t rank) {
    constexpr auto max = std::numeric_limits<int>::max();
    if (value < 0 || value > max)
        throw Error("the " + std::string(what) + " of rank " + std::to_string(rank) + " is " + std::to_string(value) +
                    " elements, more than MPI's int count allows (" + std::to_string(max) +
                    "); use more ranks so that every chunk and offset stays below it");
    return static_cast<int>(value);
}
}  // namespace

IntCounts to_int_counts(std::span<const std::int64_t> counts, std::span<const std::int64_t> displs) {
    IntCounts out;
    out.counts.reserve(counts.size());
    out.displs.reserve(displs.size());
    for (std::size_t r = 0; r < counts.size(); ++r) {
        out.counts.push_back(checked(counts[r], "chunk", r));
        out.displs.push_back(checked(displs[r], "offset", r));
    }
    return out;
}

}  // namespace rankpool::mpi
