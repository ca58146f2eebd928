#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "fetch/proxy.hpp"

using namespace rankpool::fetch;

namespace {
// choose_proxy with these variables set and no others.
std::optional<ProxyChoice> choose(const std::string& url, const std::map<std::string, std::string>& variables,
                                  const std::optional<std::string>& explicit_proxy = std::nullopt) {
    return choose_proxy(url, explicit_proxy, [&](const std::string& name) -> std::optional<std::string> {
        const auto found = variables.find(name);
        return found == variables.end() ? std::nullopt : std::optional<std::string>(found->second);
    });
}
std::string described(const std::optional<ProxyChoice>& choice) {
    return choice ? choice->url + " from " + choice->source : "direct";
}
}  // namespace

TEST_CASE("proxy: the scheme's variable, lower case first, all_proxy last") {
    const std::map<std::string, std::string> all{{"http_proxy", "http://lower:1"},  {"HTTP_PROXY", "http://upper:1"},
                                                 {"https_proxy", "http://lower:2"}, {"HTTPS_PROXY", "http://upper:2"},
                                                 {"all_proxy", "http://all:3"},     {"ALL_PROXY", "http://ALL:3"}};
    CHECK(described(choose("http://example.org/a", all)) == "http://lower:1 from http_proxy");
    CHECK(described(choose("https://example.org/a", all)) == "http://lower:2 from https_proxy");
    CHECK(described(choose("HTTPS://example.org/a", {{"HTTPS_PROXY", "http://upper:2"}})) ==
          "http://upper:2 from HTTPS_PROXY");
    CHECK(described(choose("http://example.org/a", {{"HTTP_PROXY", "http://upper:1"}})) ==
          "http://upper:1 from HTTP_PROXY");
    CHECK(described(choose("https://example.org/a", {{"http_proxy", "http://p:1"}})) == "direct");
    CHECK(described(choose("https://example.org/a", {{"ALL_PROXY", "http://ALL:3"}})) == "http://ALL:3 from ALL_PROXY");
    CHECK(described(choose("http://example.org/a", {{"http_proxy", "  "}})) == "direct");  // set but empty
    CHECK(described(choose("http://example.org/a", {})) == "direct");
}

TEST_CASE("proxy: --proxy wins over the variables; no_proxy still applies") {
    const std::map<std::string, std::string> env{{"https_proxy", "http://env:1"}};
    CHECK(described(choose("https://example.org/a", env, "http://given:9")) == "http://given:9 from --proxy");
    CHECK(described(choose("https://example.org/a", {{"no_proxy", "example.org"}}, "http://given:9")) == "direct");
}

TEST_CASE("proxy: no_proxy names hosts, domains, addresses, or every host") {
    CHECK(no_proxy_matches("example.org", "example.org"));
    CHECK(no_proxy_matches("data.example.org", "example.org"));
    CHECK(no_proxy_matches("data.example.org", ".example.org"));
    CHECK_FALSE(no_proxy_matches("badexample.org", "example.org"));
    CHECK_FALSE(no_proxy_matches("example.org", "data.example.org"));
    CHECK(no_proxy_matches("127.0.0.1", "localhost, 127.0.0.1"));
    CHECK(no_proxy_matches("localhost", " localhost ,127.0.0.1"));
    CHECK(no_proxy_matches("::1", "[::1]"));
    CHECK(no_proxy_matches("anything", "*"));
    CHECK(no_proxy_matches("example.org", "Example.ORG"));
    CHECK_FALSE(no_proxy_matches("example.org", ""));
    CHECK_FALSE(no_proxy_matches("example.org", ",,"));
    CHECK(described(choose("http://Data.Example.org:8080/a",
                           {{"http_proxy", "http://p:1"}, {"NO_PROXY", "example.org"}})) == "direct");
    CHECK(described(choose("http://[::1]:8080/a", {{"http_proxy", "http://p:1"}, {"no_proxy", "::1"}})) == "direct");
    CHECK(described(choose("http://other.org/a", {{"http_proxy", "http://p:1"}, {"no_proxy", "example.org"}})) ==
          "http://p:1 from http_proxy");
}
