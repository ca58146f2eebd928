#include "fetch/proxy.hpp"

#include <curl/curl.h>

#include <cstdlib>
#include <memory>

#include "util/text.hpp"

namespace rankpool::fetch {

namespace {

// scheme and host of a URL, lower case; the host without IPv6 brackets.
std::pair<std::string, std::string> scheme_and_host(const std::string& url) {
    const std::unique_ptr<CURLU, void (*)(CURLU*)> parsed(curl_url(), curl_url_cleanup);
    std::string scheme, host;
    if (curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return {};
    for (auto [part, text] : {std::pair{CURLUPART_SCHEME, &scheme}, std::pair{CURLUPART_HOST, &host}}) {
        char* value = nullptr;
        if (curl_url_get(parsed.get(), part, &value, 0) == CURLUE_OK) *text = to_lower(value);
        curl_free(value);
    }
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    return {scheme, host};
}

std::string trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos) return {};
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// The first of the variables that is set and not empty.
std::optional<ProxyChoice> first_set(std::initializer_list<const char*> names, const EnvironmentLookup& environment) {
    for (const char* name : names)
        if (auto value = environment(name); value && !trimmed(*value).empty())
            return ProxyChoice{.url = trimmed(*value), .source = name};
    return std::nullopt;
}

}  // namespace

std::optional<std::string> process_environment(const std::string& name) {
    const char* value = std::getenv(name.c_str());
    return value ? std::optional<std::string>(value) : std::nullopt;
}

bool no_proxy_matches(const std::string& host, const std::string& no_proxy) {
    std::size_t begin = 0;
    while (begin <= no_proxy.size()) {
        const std::size_t end = std::min(no_proxy.find(',', begin), no_proxy.size());
        std::string entry = to_lower(trimmed(no_proxy.substr(begin, end - begin)));
        begin = end + 1;
        if (entry == "*") return true;
        if (entry.size() > 2 && entry.front() == '[' && entry.back() == ']') entry = entry.substr(1, entry.size() - 2);
        if (!entry.empty() && entry.front() == '.') entry.erase(0, 1);
        if (entry.empty()) continue;
        if (host == entry) return true;
        if (host.size() > entry.size() && host.ends_with(entry) && host[host.size() - entry.size() - 1] == '.')
            return true;
    }
    return false;
}

std::optional<ProxyChoice> choose_proxy(const std::string& url, const std::optional<std::string>& explicit_proxy,
                                        const EnvironmentLookup& environment) {
    const auto [scheme, host] = scheme_and_host(url);
    if (const auto no_proxy = first_set({"no_proxy", "NO_PROXY"}, environment);
        no_proxy && no_proxy_matches(host, no_proxy->url))
        return std::nullopt;
    if (explicit_proxy) return ProxyChoice{.url = *explicit_proxy, .source = "--proxy"};
    if (scheme == "https") return first_set({"https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}, environment);
    return first_set({"http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"}, environment);
}

}  // namespace rankpool::fetch
