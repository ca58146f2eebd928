#include "util/buffer.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "util/error.hpp"

namespace rankpool::detail {

namespace {
constexpr std::size_t huge_page = std::size_t{2} << 20;
}

void* allocate_huge(std::size_t count, std::size_t element_size) {
    if (count == 0) return nullptr;
    if (count > (SIZE_MAX - huge_page) / element_size)
        throw Error("cannot allocate " + std::to_string(count) + " elements of " + std::to_string(element_size) +
                    " bytes: the size overflows");
    const std::size_t bytes = count * element_size;
    // aligned_alloc needs a multiple of the alignment; round up to whole huge pages.
    const std::size_t rounded = (bytes + huge_page - 1) / huge_page * huge_page;
    void* p = std::aligned_alloc(huge_page, rounded);
    if (p == nullptr) throw Error("cannot allocate " + std::to_string(bytes) + " bytes of memory");
    // Advice only: a kernel without THP simply ignores it.
    (void)madvise(p, rounded, MADV_HUGEPAGE);
    return p;
}

void free_huge(void* p) noexcept { std::free(p); }

}  // namespace rankpool::detail
