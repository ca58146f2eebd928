#pragma once
// The URL list: one URL per line, then optional space-separated key=value fields
// (name=FILE, sha256=HEX, size=BYTES). '#' comment lines, blank lines and CRLF are fine.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rankpool::fetch {

struct ListEntry {
    int line = 0;  // 1-based line number in the list file
    std::string url;
    std::optional<std::string> name;
    std::optional<std::string> sha256;  // lower-case hex
    std::optional<std::int64_t> size;
};

// Parses the whole list; `label` names it in messages ("urls.txt:3: ..."). Throws UsageError
// for the first bad line. Nothing is fetched before the whole list is known to be good.
std::vector<ListEntry> parse_url_list(std::string_view text, const std::string& label);

// A plain file name: not empty, not "." or "..", no '/', NUL or control characters.
bool is_plain_file_name(std::string_view name);

// The entry in list form (`URL name=... sha256=... size=...`), for --failed.
std::string list_line(const ListEntry& entry, const std::string& name);

}  // namespace rankpool::fetch
