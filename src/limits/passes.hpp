#pragma once
// The cheapest memory passes that touch the same bytes as rankpool's generate and square:
// plain loops the compiler vectorises, with no arithmetic worth the name -- for the same CPU
// levels as rankpool's own loops (util/cpu_clones.hpp).
#include <cstddef>
#include <cstdint>

#include "util/cpu_clones.hpp"

namespace rankpool::limits {

// Store-only: out is never read. Small values, so every type holds them exactly. The index is
// narrowed to int32 first: int32 -> float/double conversions vectorise, uint64 ones do not.
template <class T>
RANKPOOL_CPU_CLONES void fill(T* out, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<T>(static_cast<std::int32_t>(i & 63) + 1);
}

// One read and one write of every element, in place (the square when the types match).
template <class T>
RANKPOOL_CPU_CLONES void bump(T* x, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<T>(x[i] + 1);
}

// Read T, write the wider Out to another array (the square when it widens, e.g. int32 -> int64).
template <class T, class Out>
RANKPOOL_CPU_CLONES void bump_into(const T* in, Out* out, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<Out>(in[i] + 1);
}

}  // namespace rankpool::limits
