#pragma once
// Memory facts: what this process used at its peak (for reports), and what the machine or
// container can still give (to refuse a job up front instead of dying in an out-of-memory kill).
#include <cstdint>
#include <optional>
#include <string>

namespace rankpool {

// Peak resident set size of this process so far, in bytes.
std::uint64_t peak_rss_bytes();

struct AvailableMemory {
    std::uint64_t bytes;
    std::string source;  // "MemAvailable" or "cgroup memory limit"
};

// What can still be allocated without swapping or an OOM kill: the kernel's MemAvailable,
// lowered to the room left under this process's cgroup memory limit (Slurm jobs, containers).
// nullopt where neither can be read.
std::optional<AvailableMemory> available_memory();

// "7.20 GB" (decimal units, as `df -H` and job schedulers print them).
std::string format_bytes(std::uint64_t bytes);

}  // namespace rankpool
