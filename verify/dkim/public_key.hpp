// public_key.hpp - an RSA or Ed25519 public key from a key record, and signature checks.
//
// RSA: p= is a DER SubjectPublicKeyInfo (RFC 6376 3.6.1); a bare PKCS#1 RSAPublicKey is
// accepted too, as some publishers emit it. Ed25519: p= is the raw 32-byte key (RFC 8463 4).
//
// A hostile key record must not burn CPU: rsa_problem() names an RSA key this verifier refuses
// to use, larger than kMaxRsaBits (RFC 8301 3.2: verifiers MUST accept 1024..4096) or with a
// public exponent that is even, below 3 or of more than 32 bits (real keys use 65537 or 3).
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

    static constexpr unsigned kMaxRsaBits = 4096;

    unsigned bits() const noexcept;
    // rsa_problem - why this RSA key is refused ("key too large", "key exponent not allowed"),
    // or nullopt if it may be used (always nullopt for Ed25519).
    std::optional<std::string> rsa_problem() const;
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
