#include "fetch/result.hpp"

namespace rankpool::fetch {

namespace {
template <class T>
nlohmann::ordered_json or_null(const std::optional<T>& value) {
    return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}
template <class T>
std::optional<T> optional_from(const nlohmann::ordered_json& value) {
    return value.is_null() ? std::nullopt : std::optional<T>(value.get<T>());
}
}  // namespace

std::string status_name(FetchStatus status) { return nlohmann::json(status).get<std::string>(); }

void to_json(nlohmann::ordered_json& j, const FetchResult& r) {
    j = {{"index", r.index},
         {"line", r.line},
         {"url", r.url},
         {"file", r.file},
         {"rank", r.rank},
         {"host", r.host},
         {"status", r.status},
         {"http_status", r.http_status},
         {"bytes", r.bytes},
         {"attempts", r.attempts},
         {"seconds", r.seconds},
         {"sha256", or_null(r.sha256)},
         {"error", or_null(r.error)},
         {"protocol", or_null(r.protocol)},
         {"proxy", or_null(r.proxy)}};
}

void from_json(const nlohmann::ordered_json& j, FetchResult& r) {
    r.index = j.at("index");
    r.line = j.at("line");
    r.url = j.at("url");
    r.file = j.at("file");
    r.rank = j.at("rank");
    r.host = j.at("host");
    r.status = j.at("status");
    r.http_status = j.at("http_status");
    r.bytes = j.at("bytes");
    r.attempts = j.at("attempts");
    r.seconds = j.at("seconds");
    r.sha256 = optional_from<std::string>(j.at("sha256"));
    r.error = optional_from<std::string>(j.at("error"));
    r.protocol = optional_from<std::string>(j.at("protocol"));
    r.proxy = optional_from<std::string>(j.at("proxy"));
}

}  // namespace rankpool::fetch
