#pragma once
// Room for open files: many transfers at once hold a socket and a file each, more than the
// usual soft limit of 1024 allows at high --parallel.
#include <cstddef>
#include <string>

namespace rankpool {

// Raises this process's soft limit on open files (ulimit -n) towards the hard limit until
// `needed` fit. Throws UsageError "WHAT needs about N open files, but this process may open
// only M (ulimit -n); FIX" when even the hard limit is too low.
void ensure_open_files(std::size_t needed, const std::string& what, const std::string& fix);

}  // namespace rankpool
