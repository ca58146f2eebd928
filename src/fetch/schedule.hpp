#pragma once
// Which rank downloads which URL.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace rankpool::fetch {

enum class Schedule {
    cyclic,   // URL i to rank i mod P: with P >= URLs, one URL per rank (the tutorial's pattern)
    block,    // contiguous ranges, np.array_split of the URL indices
    dynamic,  // rank 0 hands the next URL to whichever rank is free; rank 0 downloads too
};

std::optional<Schedule> parse_schedule(std::string_view name);
std::string_view schedule_name(Schedule schedule);

// The URL indices `rank` downloads, in order, under a static schedule (cyclic or block).
std::vector<std::int64_t> static_assignment(Schedule schedule, std::int64_t urls, int ranks, int rank);

}  // namespace rankpool::fetch
