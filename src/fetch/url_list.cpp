#include "fetch/url_list.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>

#include <curl/curl.h>

#include "util/error.hpp"
#include "util/text.hpp"

namespace rankpool::fetch {

namespace {

std::vector<std::string_view> split_fields(std::string_view line) {
    std::vector<std::string_view> fields;
    std::size_t pos = 0;
    while (pos < line.size()) {
        const auto start = line.find_first_not_of(" \t", pos);
        if (start == std::string_view::npos) break;
        const auto end = line.find_first_of(" \t", start);
        fields.push_back(line.substr(start, end - start));
        pos = end;
    }
    return fields;
}

void check_url(std::string_view url, const std::string& where) {
    const auto colon = url.find("://");
    const std::string scheme = colon == std::string_view::npos ? "" : to_lower(url.substr(0, colon));
    if (scheme.empty())
        throw UsageError(where + "'" + std::string(url) + "' is not a URL (expected http://... or https://...)");
    if (scheme != "http" && scheme != "https")
        throw UsageError(where + "scheme '" + scheme + "' is not supported; use http or https");
    // Plain ASCII only (percent-encode the rest), then libcurl's own parser must accept it.
    if (std::any_of(url.begin(), url.end(), [](unsigned char c) { return c <= 0x20 || c >= 0x7f; }))
        throw UsageError(where +
                         "the URL is not a valid URL: it holds control or non-ASCII characters (percent-encode them)");
    // libcurl reads "http:///x" as host "x"; a URL that names no host is a mistake.
    if (url.size() > colon + 3 && url[colon + 3] == '/')
        throw UsageError(where + "'" + std::string(url) + "' is not a valid URL: it names no host");
    CURLU* parsed = curl_url();
    const CURLUcode code = curl_url_set(parsed, CURLUPART_URL, std::string(url).c_str(), 0);
    curl_url_cleanup(parsed);
    if (code != CURLUE_OK)
        throw UsageError(where + "'" + std::string(url) + "' is not a valid URL: " + curl_url_strerror(code));
}

void add_field(ListEntry& entry, std::string_view field, const std::string& where) {
    const auto eq = field.find('=');
    if (eq == std::string_view::npos)
        throw UsageError(where + "'" + std::string(field) +
                         "' is not a key=value field (known keys: name, sha256, size)");
    const std::string key(field.substr(0, eq));
    const std::string_view value = field.substr(eq + 1);
    if ((key == "name" && entry.name) || (key == "sha256" && entry.sha256) || (key == "size" && entry.size))
        throw UsageError(where + "key '" + key + "' given twice");
    if (key == "name") {
        if (!is_plain_file_name(value))
            throw UsageError(where + "name '" + std::string(value) +
                             "' is not a plain file name (no '/', '..', NUL or control characters)");
        if (value.size() > 255) throw UsageError(where + "name is longer than 255 bytes");
        if (!valid_utf8(value)) throw UsageError(where + "name is not valid UTF-8");
        entry.name = std::string(value);
    } else if (key == "sha256") {
        if (value.size() != 64 ||
            !std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isxdigit(c); }))
            throw UsageError(where + "sha256 must be 64 hexadecimal digits");
        entry.sha256 = to_lower(value);
    } else if (key == "size") {
        std::int64_t size = -1;
        const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), size);
        if (error != std::errc() || end != value.data() + value.size() || size < 0)
            throw UsageError(where + "size must be a whole number of bytes");
        entry.size = size;
    } else {
        throw UsageError(where + "unknown key '" + key + "' (known: name, sha256, size)");
    }
}

}  // namespace

bool is_plain_file_name(std::string_view name) {
    if (name.empty() || name == "." || name == ".." || name.find("..") != std::string_view::npos) return false;
    return std::none_of(name.begin(), name.end(), [](unsigned char c) { return c == '/' || c < 0x20 || c == 0x7f; });
}

std::vector<ListEntry> parse_url_list(std::string_view text, const std::string& label) {
    std::vector<ListEntry> entries;
    std::map<std::string, int> named_on;  // explicit name -> line
    int number = 0;
    std::size_t pos = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;  // a UTF-8 byte-order mark
    while (pos < text.size()) {
        const auto end = text.find('\n', pos);
        std::string_view line = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
        pos = end == std::string_view::npos ? text.size() : end + 1;
        ++number;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        const auto fields = split_fields(line);
        if (fields.empty() || fields[0].front() == '#') continue;

        const std::string where = label + ":" + std::to_string(number) + ": ";
        if (line.find('\0') != std::string_view::npos) throw UsageError(where + "the line holds a NUL byte");
        ListEntry entry;
        entry.line = number;
        check_url(fields[0], where);
        entry.url = std::string(fields[0]);
        for (std::size_t f = 1; f < fields.size(); ++f) add_field(entry, fields[f], where);
        if (entry.name) {
            const auto [it, fresh] = named_on.emplace(*entry.name, number);
            if (!fresh)
                throw UsageError(where + "name '" + *entry.name + "' is also used on line " +
                                 std::to_string(it->second));
        }
        entries.push_back(std::move(entry));
    }
    return entries;
}

std::string list_line(const ListEntry& entry, const std::string& name) {
    std::string line = entry.url + " name=" + name;
    if (entry.sha256) line += " sha256=" + *entry.sha256;
    if (entry.size) line += " size=" + std::to_string(*entry.size);
    return line;
}

}  // namespace rankpool::fetch
