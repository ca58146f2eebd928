#pragma once
// Which proxy, if any, carries one URL: --proxy, else the scheme's variable (http_proxy,
// https_proxy, then all_proxy; lower case before upper case), unless no_proxy names the host.
// rankpool decides this itself rather than leaving it to libcurl, so that a failure can name
// the proxy and where its setting came from (and HTTP_PROXY counts, which libcurl ignores).
#include <functional>
#include <optional>
#include <string>

namespace rankpool::fetch {

struct ProxyChoice {
    std::string url;     // as given, e.g. http://proxy.example:3128
    std::string source;  // "--proxy" or the variable's name, for messages
};

// Reads an environment variable; nullopt when unset. Tests pass their own.
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;
std::optional<std::string> process_environment(const std::string& name);

// nullopt: straight to the server. `url` has passed the list's URL check.
std::optional<ProxyChoice> choose_proxy(const std::string& url, const std::optional<std::string>& explicit_proxy,
                                        const EnvironmentLookup& environment = process_environment);

// no_proxy's rule: comma-separated host names, domain suffixes (".example.com" or
// "example.com" both match sub.example.com) and IP addresses; "*" matches every host.
bool no_proxy_matches(const std::string& host, const std::string& no_proxy);

}  // namespace rankpool::fetch
