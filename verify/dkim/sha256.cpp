// sha256.cpp - the one fetch of SHA-256.
#include "verify/dkim/sha256.hpp"

namespace enma::dkim {

const EVP_MD* sha256() {
    // A function-local static: fetched on first use, thread-safe, immutable afterwards.
    static const EVP_MD* const fetched = [] {
        const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
        return md != nullptr ? md : EVP_sha256();
    }();
    return fetched;
}

}  // namespace enma::dkim
