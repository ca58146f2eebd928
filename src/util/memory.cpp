#include "util/memory.hpp"

#include <sys/resource.h>

#include <cstdio>
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

std::optional<std::uint64_t> read_number(const std::string& path) {
    std::ifstream in(path);
    std::uint64_t value = 0;
    if (in >> value) return value;
    return std::nullopt;  // absent, or "max" (no limit) in cgroup v2
}

// The value of `key` in a "key value" file such as /proc/meminfo or memory.stat.
std::optional<std::uint64_t> read_keyed(const std::string& path, const std::string& key) {
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

// The cgroup folders that may hold this process's memory controller: its own (v2 "0::/path",
// v1 "N:memory:/path"), then the mount's root (a container sees only its own cgroup there).
std::optional<std::string> cgroup_memory_folder() {
    std::ifstream in("/proc/self/cgroup");
    std::string line;
    std::vector<std::string> candidates;
    while (std::getline(in, line)) {
        const auto first = line.find(':'), second = line.find(':', first + 1);
        if (first == std::string::npos || second == std::string::npos) continue;
        const std::string controllers = line.substr(first + 1, second - first - 1);
        const std::string path = line.substr(second + 1);
        if (controllers.empty()) candidates.push_back("/sys/fs/cgroup" + path);                  // v2
        else if (controllers == "memory") candidates.push_back("/sys/fs/cgroup/memory" + path);  // v1
    }
    candidates.push_back("/sys/fs/cgroup");
    candidates.push_back("/sys/fs/cgroup/memory");
    for (const auto& folder : candidates)
        if (std::ifstream(folder + "/memory.max") || std::ifstream(folder + "/memory.limit_in_bytes"))
            return folder;
    return std::nullopt;
}

// Room left under the cgroup limit. Page cache counts as used there but is reclaimed first,
// so it is not subtracted.
std::optional<std::uint64_t> cgroup_room() {
    const auto folder = cgroup_memory_folder();
    if (!folder) return std::nullopt;
    const bool v2 = static_cast<bool>(std::ifstream(*folder + "/memory.max"));
    const auto limit = read_number(*folder + (v2 ? "/memory.max" : "/memory.limit_in_bytes"));
    const auto usage = read_number(*folder + (v2 ? "/memory.current" : "/memory.usage_in_bytes"));
    if (!limit || !usage || *limit >= (std::uint64_t{1} << 62)) return std::nullopt;  // no limit
    const std::uint64_t cache = read_keyed(*folder + "/memory.stat", v2 ? "file" : "total_cache").value_or(0);
    const std::uint64_t used = *usage > cache ? *usage - cache : 0;
    return *limit > used ? *limit - used : 0;
}

}  // namespace

std::optional<AvailableMemory> available_memory() {
    std::optional<AvailableMemory> best;
    if (const auto kib = read_keyed("/proc/meminfo", "MemAvailable")) best = AvailableMemory{*kib * 1024, "MemAvailable"};
    if (const auto room = cgroup_room(); room && (!best || *room < best->bytes))
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
