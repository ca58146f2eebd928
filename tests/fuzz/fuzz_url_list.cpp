// Fuzz target: the URL list of `rankpool fetch` (fetch/url_list.cpp) and the file names given to
// its entries (fetch/naming.cpp). A bad list must end in UsageError; a list that parses must give
// entries that keep the header's promises, names that are plain and distinct, and --failed lines
// (list_line) that parse back to the same entries.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fetch/naming.hpp"
#include "fetch/url_list.hpp"
#include "util/error.hpp"

namespace {

void require(bool condition, const char* what, const std::string& detail) {
    if (condition) return;
    std::fprintf(stderr, "fuzz_url_list: broken promise: %s: [%s]\n", what, detail.c_str());
    std::abort();
}

bool lower_hex(const std::string& text) { return text.find_first_not_of("0123456789abcdef") == std::string::npos; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace rankpool::fetch;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::vector<ListEntry> entries;
    try {
        entries = parse_url_list(text, "list");
    } catch (const rankpool::UsageError&) {
        return 0;  // a bad list is refused: expected
    }

    for (const ListEntry& e : entries) {
        require(!e.url.empty() && e.url.find_first_of(" \t\r\n") == std::string::npos, "URL without blanks", e.url);
        require(!e.name || is_plain_file_name(*e.name), "name= is a plain file name", e.name.value_or(""));
        require(!e.sha256 || (e.sha256->size() == 64 && lower_hex(*e.sha256)), "sha256= is 64 lower-case hex digits",
                e.sha256.value_or(""));
        require(!e.size || *e.size >= 0, "size= is not negative", e.url);
    }

    // Every download lands in --out under its name: plain, and no two alike.
    const std::vector<std::string> names = assign_names(entries);
    require(names.size() == entries.size(), "one name per entry", std::to_string(names.size()));
    std::set<std::string> seen;
    for (std::size_t i = 0; i < names.size(); ++i) {
        require(is_plain_file_name(names[i]), "assigned name is a plain file name", names[i]);
        require(seen.insert(names[i]).second, "assigned names are distinct", names[i]);
        require(!entries[i].name || names[i] == *entries[i].name, "name= is kept", names[i]);
    }

    // --failed writes list_line()s "ready to rerun": they must parse back to the same entries.
    std::string again;
    for (std::size_t i = 0; i < entries.size(); ++i) again += list_line(entries[i], names[i]) + "\n";
    std::vector<ListEntry> reparsed;
    try {
        reparsed = parse_url_list(again, "failed");
    } catch (const rankpool::UsageError& e) {
        require(false, "list_line output parses", std::string(e.what()) + "] from [" + again);
    }
    require(reparsed.size() == entries.size(), "list_line keeps every entry", again);
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const ListEntry& a = entries[i];
        const ListEntry& b = reparsed[i];
        require(b.url == a.url && b.name == names[i] && b.sha256 == a.sha256 && b.size == a.size,
                "list_line round trip", list_line(a, names[i]));
    }
    return 0;
}
