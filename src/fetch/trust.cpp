#include "fetch/trust.hpp"

#include <openssl/x509_vfy.h>

#include <fstream>

#include "util/error.hpp"

namespace rankpool::fetch {

std::optional<CaBundle> choose_ca_bundle(const std::optional<std::filesystem::path>& explicit_bundle,
                                         const EnvironmentLookup& environment) {
    if (explicit_bundle) return CaBundle{.path = *explicit_bundle, .source = "--ca-cert"};
    for (const char* name : {"CURL_CA_BUNDLE", "SSL_CERT_FILE"})
        if (auto value = environment(name); value && !value->empty()) return CaBundle{.path = *value, .source = name};
    return std::nullopt;
}

void check_ca_bundle(const CaBundle& bundle) {
    const std::string where = bundle.path.string() + " (" + bundle.source + ")";
    std::error_code ec;
    if (!std::filesystem::is_regular_file(bundle.path, ec))
        throw UsageError(where + ": no such file; give a PEM file of trusted CA certificates");
    if (!std::ifstream(bundle.path)) throw UsageError(where + ": cannot be read; check its permissions");
}

std::string certificate_problem(long verify_result, const std::string& curl_error, const std::string& host) {
    const std::string trust_fix = "if you trust it, give its CA with --ca-cert FILE";
    // libcurl's own host-name check: "SSL: no alternative certificate subject name matches target
    // host name ...", "SSL: certificate subject name '...' does not match target host name ...".
    if (curl_error.find("target host name") != std::string::npos) verify_result = X509_V_ERR_HOSTNAME_MISMATCH;
    switch (verify_result) {
        case X509_V_ERR_HOSTNAME_MISMATCH:
        case X509_V_ERR_IP_ADDRESS_MISMATCH:
            return "TLS: the server's certificate is for another host name than " + host +
                   "; use a URL with a name the certificate lists (--ca-cert cannot fix a name)";
        case X509_V_ERR_CERT_HAS_EXPIRED:
            return "TLS: the server's certificate has expired; the site must renew it (--ca-cert cannot fix that)";
        case X509_V_ERR_CERT_NOT_YET_VALID:
            return "TLS: the server's certificate is not valid yet; check this machine's clock "
                   "(--ca-cert cannot fix that)";
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
            return "TLS: the server's certificate is a self-signed certificate; " + trust_fix;
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
            return "TLS: the server's certificate is signed by an unknown CA; " + trust_fix;
        default:
            return std::string("TLS: the server's certificate was refused: ") +
                   X509_verify_cert_error_string(verify_result) + "; " + trust_fix;
    }
}

}  // namespace rankpool::fetch
