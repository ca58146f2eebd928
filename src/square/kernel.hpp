#pragma once
// The square kernel and its overflow rule. Output types come from squared_t (util/dtype.hpp):
// integers up to 32 bits widen and cannot overflow; int64 and uint64 squares are checked;
// floats follow IEEE arithmetic (a huge value squares to inf, as in numpy).
#include <cstdint>
#include <limits>
#include <optional>
#include <type_traits>

#include "util/cpu_clones.hpp"
#include "util/dtype.hpp"

namespace rankpool {

// Largest |x| whose square fits T (for the 64-bit integer types).
template <class T>
constexpr T largest_squarable() {
    if constexpr (std::is_signed_v<T>)
        return T{3037000499};  // floor(sqrt(2^63 - 1))
    else
        return T{4294967295u};  // floor(sqrt(2^64 - 1))
}

// |x| > limit as one unsigned comparison (x + limit wraps below 0), which vectorises.
template <class T>
constexpr bool exceeds(T x, T limit) {
    const auto ux = static_cast<std::uint64_t>(x), ulimit = static_cast<std::uint64_t>(limit);
    if constexpr (std::is_signed_v<T>)
        return ux + ulimit > 2 * ulimit;
    else
        return ux > ulimit;
}

template <class T>
constexpr bool square_may_overflow = std::is_integral_v<T>&& std::is_same_v<T, squared_t<T>>;

// out[i] = in[i]^2 for i < n. `in` and `out` may be the same array (in place, when the types
// match). For int64/uint64, returns the index of the first element whose square does not fit
// and stops before squaring the block that holds it, so in[index] still holds the offending
// value (the output is then incomplete and must be discarded).
template <class T>
RANKPOOL_CPU_CLONES std::optional<std::size_t> square(const T* in, squared_t<T>* out, std::size_t n) {
    using Out = squared_t<T>;
    if constexpr (square_may_overflow<T>) {
        // Check a block, then square it: the block is still in L1 for the second pass, and
        // both loops are branch-free.
        constexpr std::size_t block = 4096;
        constexpr T limit = largest_squarable<T>();
        for (std::size_t begin = 0; begin < n; begin += block) {
            const std::size_t end = begin + block < n ? begin + block : n;
            std::uint64_t overflow = 0;
            for (std::size_t i = begin; i < end; ++i) overflow |= exceeds(in[i], limit);
            if (overflow)
                for (std::size_t i = begin; i < end; ++i)
                    if (exceeds(in[i], limit)) return i;
            for (std::size_t i = begin; i < end; ++i) {
                // Unsigned multiplication: no undefined behaviour, and exact once checked.
                const auto x = static_cast<std::uint64_t>(in[i]);
                out[i] = static_cast<Out>(x * x);
            }
        }
        return std::nullopt;
    } else {
        for (std::size_t i = 0; i < n; ++i) {
            const Out x = static_cast<Out>(in[i]);
            out[i] = x * x;
        }
        return std::nullopt;
    }
}

}  // namespace rankpool
