#pragma once
// Whom HTTPS trusts, and how a refused certificate is explained. Verification is always on;
// a site's own CA is trusted with --ca-cert FILE, else CURL_CA_BUNDLE, else SSL_CERT_FILE
// (the variables curl and OpenSSL read), else the system's store.
#include <filesystem>
#include <optional>
#include <string>

#include "fetch/proxy.hpp"

namespace rankpool::fetch {

struct CaBundle {
    std::filesystem::path path;
    std::string source;  // "--ca-cert" or the variable's name, for messages
};

std::optional<CaBundle> choose_ca_bundle(const std::optional<std::filesystem::path>& explicit_bundle,
                                         const EnvironmentLookup& environment = process_environment);

// Throws UsageError naming the file and its source when it cannot be read: every rank checks,
// before anything is fetched (the file may be missing on one node only).
void check_ca_bundle(const CaBundle& bundle);

// One line for a certificate libcurl refused (CURLE_PEER_FAILED_VERIFICATION and kin):
// what is wrong, from OpenSSL's verify result (and libcurl's text: libcurl checks the host
// name itself), and what to do about it.
std::string certificate_problem(long verify_result, const std::string& curl_error, const std::string& host);

}  // namespace rankpool::fetch
