#pragma once
// Hot loops, compiled for three CPU levels -- baseline x86-64, x86-64-v3 (AVX2) and x86-64-v4
// (AVX-512) -- with the best one picked when the program loads (GCC function multi-versioning).
// One portable binary then still vectorises the 64-bit multiplies of the generator and the
// square, which baseline x86-64 cannot (measured here: generate 18 -> 6 ms, square 11 -> 5 ms
// for 10M int64). `flatten` inlines every call into each clone: GCC never inlines a function
// compiled for another arch= into it.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define RANKPOOL_CPU_CLONES __attribute__((flatten, target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4")))
#else
#define RANKPOOL_CPU_CLONES
#endif
