#pragma once
// np.array_split's block decomposition, as a pure function: n elements over `parts` parts,
// the first n mod parts parts get one element more. Parts may be empty (n < parts).
#include <cstdint>
#include <vector>

namespace rankpool {

struct Partition {
    std::vector<std::int64_t> counts;  // elements in part p
    std::vector<std::int64_t> displs;  // index of part p's first element
};

// Requires n >= 0 and parts >= 1. Exact for any n up to 2^63 - 1 (no intermediate overflow).
inline Partition array_split(std::int64_t n, int parts) {
    Partition p;
    p.counts.resize(static_cast<std::size_t>(parts));
    p.displs.resize(static_cast<std::size_t>(parts));
    const std::int64_t base = n / parts;
    const std::int64_t extra = n % parts;
    for (std::int64_t i = 0; i < parts; ++i) {
        p.counts[i] = base + (i < extra ? 1 : 0);
        p.displs[i] = i * base + (i < extra ? i : extra);
    }
    return p;
}

// The part that holds element `index` (0 <= index < n).
inline int owner_of(const Partition& p, std::int64_t index) {
    int part = 0;
    while (part + 1 < static_cast<int>(p.displs.size()) && p.displs[part + 1] <= index) ++part;
    return part;
}

}  // namespace rankpool
