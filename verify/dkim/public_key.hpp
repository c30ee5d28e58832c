// public_key.hpp - an RSA or Ed25519 public key from a key record, and signature checks.
//
// RSA: p= is a DER SubjectPublicKeyInfo (RFC 6376 3.6.1); a bare PKCS#1 RSAPublicKey is
// accepted too, as some publishers emit it. Ed25519: p= is the raw 32-byte key (RFC 8463 4).
//
// A hostile key record must not burn CPU: rsa_problem() names an RSA key this verifier refuses
// to use, larger than kMaxRsaBits (RFC 8301 3.2: verifiers MUST accept 1024..4096) or with a
// public exponent that is even, below 3 or of more than 32 bits (real keys use 65537 or 3).
//
// Invariant: bits() and rsa_problem() are decided once, in load(), and kept: a cached key is
// checked for every signature it verifies, and asking OpenSSL for the exponent again
// (EVP_PKEY_get_bn_param: a parameter export and two BIGNUM copies) cost as much as a third
// of an RSA-2048 verification.
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

    unsigned bits() const noexcept { return m_bits; }
    // rsa_problem - why this RSA key is refused ("key too large", "key exponent not allowed"),
    // or nullopt if it may be used (always nullopt for Ed25519).
    const std::optional<std::string>& rsa_problem() const noexcept { return m_rsa_problem; }
    // verify - does `signature` sign `header_data` with `algorithm`? For ed25519-sha256 the
    // signed message is the SHA-256 digest of the header data (RFC 8463 3).
    bool verify(Algorithm algorithm, std::string_view header_data,
                std::string_view signature) const;

private:
    struct Free {
        void operator()(EVP_PKEY* key) const noexcept { EVP_PKEY_free(key); }
    };
    explicit PublicKey(EVP_PKEY* key);
    std::optional<std::string> find_rsa_problem() const;

    std::shared_ptr<EVP_PKEY> m_key;
    unsigned m_bits = 0;
    std::optional<std::string> m_rsa_problem;
};

}  // namespace enma::dkim
