// public_key.hpp - an RSA or Ed25519 public key from a key record, and signature checks.
//
// RSA: p= is a DER SubjectPublicKeyInfo (RFC 6376 3.6.1); a bare PKCS#1 RSAPublicKey is
// accepted too, as some publishers emit it. Ed25519: p= is the raw 32-byte key (RFC 8463 4).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <openssl/evp.h>

#include "verify/dkim/dkim_signature.hpp"

namespace enma::dkim {

class PublicKey {
public:
    // load - nullopt if `der` is not a key of `key_type` ("rsa" or "ed25519").
    static std::optional<PublicKey> load(std::string_view key_type, std::string_view der);

    unsigned bits() const noexcept;
    // verify - does `signature` sign `header_data` with `algorithm`? For ed25519-sha256 the
    // signed message is the SHA-256 digest of the header data (RFC 8463 3).
    bool verify(Algorithm algorithm, std::string_view header_data,
                std::string_view signature) const;

private:
    struct Free {
        void operator()(EVP_PKEY* key) const noexcept { EVP_PKEY_free(key); }
    };
    explicit PublicKey(EVP_PKEY* key) : m_key(key, Free{}) {}
    std::shared_ptr<EVP_PKEY> m_key;
};

}  // namespace enma::dkim
