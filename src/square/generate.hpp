#pragma once
// A counter-based generator: element i is a pure function of (seed, i), so rank 0 alone, or
// any rank generating its own slice, produces the same array for any number of ranks.
//
// Element i is output i of SplitMix64 (Steele, Lea, Flood 2014) started at `seed`:
// mix(seed + (i + 1) * golden_gamma). Integers are drawn from [1, 99] (the tutorial's
// randint(1, 100)) by Lemire's multiply-shift, floats from [1, 100) with 53 (double) or
// 24 (float) random bits.
#include <cstdint>
#include <span>
#include <type_traits>

#include "util/cpu_clones.hpp"

namespace rankpool {

inline constexpr std::uint64_t default_seed = 20240601;
inline constexpr std::uint64_t value_low = 1;    // inclusive
inline constexpr std::uint64_t value_high = 99;  // inclusive for integers; floats stay below 100

constexpr std::uint64_t splitmix64(std::uint64_t seed, std::uint64_t index) {
    std::uint64_t z = seed + (index + 1) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

template <class T>
constexpr T uniform_value(std::uint64_t bits) {
    constexpr std::uint64_t span = value_high - value_low + 1;  // 99 integers, or [1, 100) for floats
    if constexpr (std::is_integral_v<T>) {
        // Multiply-shift maps 64 random bits onto [0, span): the high 64 bits of bits * span
        // (bias below span / 2^64). Computed from two 32 x 32 -> 64-bit products, which is
        // exact and, unlike a 128-bit product, vectorises.
        const std::uint64_t high = (bits >> 32) * span, low = (bits & 0xFFFFFFFFu) * span;
        return static_cast<T>(value_low + ((high + (low >> 32)) >> 32));
    } else {
        constexpr int mantissa = std::is_same_v<T, float> ? 24 : 53;
        const T unit = static_cast<T>(bits >> (64 - mantissa)) / static_cast<T>(std::uint64_t{1} << mantissa);
        // unit < 1, and round-to-nearest keeps 1 + 99 * unit below 100 even for the largest unit
        // (tested for float and double).
        return static_cast<T>(value_low) + static_cast<T>(span) * unit;
    }
}

// Fills out[k] with element first_index + k of the sequence.
template <class T>
RANKPOOL_CPU_CLONES void generate(std::span<T> out, std::uint64_t seed, std::uint64_t first_index) {
    for (std::size_t k = 0; k < out.size(); ++k) out[k] = uniform_value<T>(splitmix64(seed, first_index + k));
}

}  // namespace rankpool
