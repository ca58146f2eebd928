#include "fetch/schedule.hpp"

#include "util/partition.hpp"

namespace rankpool::fetch {

std::optional<Schedule> parse_schedule(std::string_view name) {
    if (name == "cyclic") return Schedule::cyclic;
    if (name == "block") return Schedule::block;
    if (name == "dynamic") return Schedule::dynamic;
    return std::nullopt;
}

std::string_view schedule_name(Schedule schedule) {
    switch (schedule) {
        case Schedule::cyclic: return "cyclic";
        case Schedule::block: return "block";
        case Schedule::dynamic: return "dynamic";
    }
    return "?";
}

std::vector<std::int64_t> static_assignment(Schedule schedule, std::int64_t urls, int ranks, int rank) {
    std::vector<std::int64_t> mine;
    if (schedule == Schedule::block) {
        const Partition p = array_split(urls, ranks);
        for (std::int64_t i = 0; i < p.counts[rank]; ++i) mine.push_back(p.displs[rank] + i);
    } else {
        for (std::int64_t i = rank; i < urls; i += ranks) mine.push_back(i);
    }
    return mine;
}

}  // namespace rankpool::fetch
