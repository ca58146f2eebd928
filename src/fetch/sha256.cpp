#include "fetch/sha256.hpp"

#include <openssl/evp.h>

#include <fstream>
#include <vector>

#include "util/error.hpp"

namespace rankpool::fetch {

Sha256::Sha256() : context_(EVP_MD_CTX_new()) {
    if (context_ == nullptr) throw Error("cannot create a SHA-256 context");
    reset();
}

Sha256::~Sha256() { EVP_MD_CTX_free(context_); }

void Sha256::reset() {
    if (EVP_DigestInit_ex(context_, EVP_sha256(), nullptr) != 1) throw Error("cannot start SHA-256");
}

void Sha256::update(const void* data, std::size_t size) { EVP_DigestUpdate(context_, data, size); }

std::string Sha256::hex() {
    // Finalise a copy, so more data can follow (a resumed download keeps hashing).
    EVP_MD_CTX* copy = EVP_MD_CTX_new();
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    const bool ok =
        copy != nullptr && EVP_MD_CTX_copy_ex(copy, context_) == 1 && EVP_DigestFinal_ex(copy, digest, &length) == 1;
    EVP_MD_CTX_free(copy);
    if (!ok) throw Error("cannot finish SHA-256");
    static constexpr char digits[] = "0123456789abcdef";
    std::string text;
    for (unsigned int i = 0; i < length; ++i) {
        text += digits[digest[i] >> 4];
        text += digits[digest[i] & 15];
    }
    return text;
}

std::string sha256_of_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path.string() + ": cannot read");
    Sha256 hash;
    std::vector<char> buffer(1 << 20);
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        hash.update(buffer.data(), static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad()) throw Error(path.string() + ": cannot read");
    return hash.hex();
}

}  // namespace rankpool::fetch
