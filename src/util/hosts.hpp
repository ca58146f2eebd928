#pragma once
// The nodes of a job and how many of its ranks each holds, from every rank's host name.
#include <string>
#include <utility>
#include <vector>

namespace rankpool {

// (host, ranks there), in the order the hosts first appear among the ranks.
inline std::vector<std::pair<std::string, int>> ranks_per_host(const std::vector<std::string>& rank_hosts) {
    std::vector<std::pair<std::string, int>> counts;
    for (const std::string& host : rank_hosts) {
        auto it = counts.begin();
        while (it != counts.end() && it->first != host) ++it;
        if (it == counts.end())
            counts.emplace_back(host, 1);
        else
            ++it->second;
    }
    return counts;
}

}  // namespace rankpool
