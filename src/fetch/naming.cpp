#include "fetch/naming.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

namespace rankpool::fetch {

namespace {

std::optional<std::string> last_segment(const std::string& url) {
    std::string path = url.substr(0, url.find_first_of("?#"));
    const auto scheme_end = path.find("://");
    const auto path_start = path.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
    if (path_start == std::string::npos) return std::nullopt;  // no path: "http://host"
    const std::string segment = path.substr(path.rfind('/') + 1);
    // is_plain_file_name as well: a name= that --failed writes must parse again ("a..b" does not).
    const bool safe =
        !segment.empty() && segment.size() <= 255 && segment.front() != '.' &&
        std::all_of(segment.begin(), segment.end(),
                    [](unsigned char c) { return std::isalnum(c) || c == '.' || c == '_' || c == '-'; }) &&
        is_plain_file_name(segment);
    if (!safe) return std::nullopt;
    return segment;
}

}  // namespace

std::vector<std::string> assign_names(const std::vector<ListEntry>& entries) {
    std::vector<std::optional<std::string>> derived(entries.size());
    std::map<std::string, int> uses;  // how many entries name or derive each name
    for (std::size_t i = 0; i < entries.size(); ++i) {
        derived[i] = entries[i].name ? entries[i].name : last_segment(entries[i].url);
        if (derived[i]) ++uses[*derived[i]];
    }
    // Explicit and unique derived names first, so a fallback never takes one of them.
    std::vector<std::string> names(entries.size());
    std::set<std::string> taken;
    for (std::size_t i = 0; i < entries.size(); ++i)
        if (derived[i] && (entries[i].name || uses[*derived[i]] == 1)) taken.insert(names[i] = *derived[i]);
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (!names[i].empty()) continue;
        // file{i}, unless that is taken already; then file{i}-1, file{i}-2, ...
        std::string name = "file" + std::to_string(i);
        for (int k = 1; taken.count(name); ++k) name = "file" + std::to_string(i) + "-" + std::to_string(k);
        taken.insert(names[i] = name);
    }
    return names;
}

}  // namespace rankpool::fetch
