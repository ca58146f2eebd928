#include "util/open_files.hpp"

#include <sys/resource.h>

#include <algorithm>

#include "util/error.hpp"

namespace rankpool {

void ensure_open_files(std::size_t needed, const std::string& what, const std::string& fix) {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;  // nothing to tell: try anyway
    const rlim_t wanted = static_cast<rlim_t>(needed);
    if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= wanted) return;
    const rlim_t allowed = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
    if (allowed > limit.rlim_cur) {
        rlimit raised = limit;
        raised.rlim_cur = allowed;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
    }
    if (limit.rlim_cur < wanted)
        throw UsageError(what + " needs about " + std::to_string(needed) +
                         " open files, but this process may open only " + std::to_string(limit.rlim_cur) +
                         " (ulimit -n); " + fix);
}

}  // namespace rankpool
