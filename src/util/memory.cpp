#include "util/memory.hpp"

#include <sys/resource.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace rankpool {

std::uint64_t peak_rss_bytes() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
}

namespace {

std::optional<std::uint64_t> read_number(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::uint64_t value = 0;
    if (in >> value) return value;
    return std::nullopt;  // absent, or "max" (no limit) in cgroup v2
}

// The value of `key` in a "key value" file such as /proc/meminfo or memory.stat.
std::optional<std::uint64_t> read_keyed(const std::filesystem::path& path, const std::string& key) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string name;
        std::uint64_t value = 0;
        if (fields >> name >> value && (name == key || name == key + ":")) return value;
    }
    return std::nullopt;
}

// The cgroup folders whose memory limits apply to this process: its own (v2 "0::/path", v1
// "N:memory:/path") and each parent up to the mount point. A container sees only its own
// subtree there, so folders that do not exist are skipped.
std::vector<std::filesystem::path> cgroup_memory_folders() {
    std::ifstream in("/proc/self/cgroup");
    std::string line;
    std::vector<std::filesystem::path> folders;
    while (std::getline(in, line)) {
        const auto first = line.find(':'), second = line.find(':', first + 1);
        if (first == std::string::npos || second == std::string::npos) continue;
        const std::string controllers = line.substr(first + 1, second - first - 1);
        if (!controllers.empty() && controllers != "memory") continue;
        const std::filesystem::path mount = controllers.empty() ? "/sys/fs/cgroup" : "/sys/fs/cgroup/memory";
        for (std::filesystem::path rel = std::filesystem::path(line.substr(second + 1)).relative_path();;
             rel = rel.parent_path()) {
            std::error_code ec;
            if (std::filesystem::is_directory(mount / rel, ec)) folders.push_back(mount / rel);
            if (rel.empty()) break;
        }
    }
    return folders;
}

// Room left under one cgroup's own limit; nullopt when it sets none. Page cache counts as used
// there but is reclaimed first, so it is not subtracted.
std::optional<std::uint64_t> cgroup_room(const std::filesystem::path& folder) {
    const bool v2 = std::filesystem::exists(folder / "memory.max");
    const auto limit = read_number(folder / (v2 ? "memory.max" : "memory.limit_in_bytes"));
    const auto usage = read_number(folder / (v2 ? "memory.current" : "memory.usage_in_bytes"));
    if (!limit || !usage || *limit >= (std::uint64_t{1} << 62)) return std::nullopt;  // "max" or v1's "unlimited"
    const std::uint64_t cache = read_keyed(folder / "memory.stat", v2 ? "file" : "total_cache").value_or(0);
    const std::uint64_t used = *usage > cache ? *usage - cache : 0;
    return *limit > used ? *limit - used : 0;
}

}  // namespace

std::optional<AvailableMemory> available_memory() {
    std::optional<AvailableMemory> best;
    if (const auto kib = read_keyed("/proc/meminfo", "MemAvailable"))
        best = AvailableMemory{*kib * 1024, "MemAvailable"};
    // The tightest limit on the way up counts: Slurm sets the job's on a parent of the task's cgroup.
    for (const auto& folder : cgroup_memory_folders())
        if (const auto room = cgroup_room(folder); room && (!best || *room < best->bytes))
            best = AvailableMemory{*room, "cgroup memory limit"};
    return best;
}

std::string format_bytes(std::uint64_t bytes) {
    const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
    double value = static_cast<double>(bytes);
    int unit = 0;
    while (value >= 999.995 && unit < 5) {  // 999999 B is "1.00 MB", not "1000.00 kB"
        value /= 1000;
        ++unit;
    }
    char text[32];
    std::snprintf(text, sizeof text, unit ? "%.2f %s" : "%.0f %s", value, units[unit]);
    return text;
}

}  // namespace rankpool
