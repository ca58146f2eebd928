#pragma once
// Incremental SHA-256 (OpenSSL's libcrypto), one owner for the EVP context.
#include <cstddef>
#include <filesystem>
#include <string>

typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace rankpool::fetch {

class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;

    void update(const void* data, std::size_t size);
    void reset();
    std::string hex();  // of everything since the last reset; the context stays usable

private:
    EVP_MD_CTX* context_;
};

// SHA-256 of a file's bytes, lower-case hex. Throws Error if it cannot be read.
std::string sha256_of_file(const std::filesystem::path& path);

}  // namespace rankpool::fetch
