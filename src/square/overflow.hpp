#pragma once
// An int64 or uint64 square that does not fit stops the run on every rank with one message,
// naming the first such element of the whole array (each rank only sees its own chunk).
#include <mpi.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "mpi/datatype.hpp"
#include "square/job.hpp"
#include "square/kernel.hpp"
#include "square/report.hpp"
#include "util/error.hpp"

namespace rankpool {

// Collective. If any rank found an element whose square overflows (`local_index`, from square()),
// every rank throws an AgreedError naming the first such element. `chunk` is this rank's input.
template <class T>
void agree_on_overflow(const Job& job, std::optional<std::size_t> local_index, const T* chunk) {
    const std::int64_t none = std::numeric_limits<std::int64_t>::max();
    const std::int64_t mine = local_index ? job.my_offset() + static_cast<std::int64_t>(*local_index) : none;
    std::int64_t first = none;
    MPI_Allreduce(&mine, &first, 1, MPI_INT64_T, MPI_MIN, job.comm);
    if (first == none) return;
    const int owner = owner_of(job.partition, first);
    T value = job.rank == owner ? chunk[first - job.partition.displs[owner]] : T{};
    MPI_Bcast(&value, 1, mpi::datatype<T>(), owner, job.comm);
    throw AgreedError("element " + std::to_string(first) + " of the input is " + value_text(value) +
                      ", whose square does not fit " + std::string(dtype_name(dtype_v<T>)) +
                      " (largest allowed magnitude: " + value_text(largest_squarable<T>()) +
                      "); square a smaller-valued input or store it as float64");
}

}  // namespace rankpool
