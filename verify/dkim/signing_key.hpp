// signing_key.hpp - an RSA private key that signs header data with rsa-sha256 (RFC 6376 3.3).
//
// Invariants: a SigningKey always holds an RSA key of kMinBits..kMaxBits bits (RFC 8301 3.2:
// signers MUST use at least 1024 bits; our own verifier refuses more than 4096) whose
// signatures verify with its own public half (checked once at load time); it is
// immutable once loaded, so one key is shared by every message thread at once. Nothing of
// the key material ever appears in an error message.
//
// Only rsa-sha256: RFC 8617 defines ARC over DKIM's algorithms, but no document since
// registers ed25519-sha256 for ARC, and the deployed verifiers (dkimpy's arc_sign and
// arc_verify, OpenARC) know rsa-sha256 only (docs/arc.md, Sealing).
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace enma::dkim {

class SigningKey {
public:
    static constexpr unsigned kMinBits = 1024;
    static constexpr unsigned kMaxBits = 4096;
    static constexpr std::size_t kMaxFileBytes = 64 * 1024;

    // from_pem - the key in `pem` (PKCS#8 or PKCS#1 "RSA PRIVATE KEY", unencrypted), or
    // nullopt with `error` saying why (never quoting the text).
    static std::optional<SigningKey> from_pem(std::string_view pem, std::string& error);
    // load_file - from_pem() on the file's content; throws std::runtime_error naming the
    // file and the reason when it cannot be read or is not a usable key.
    static SigningKey load_file(const std::string& path);

    unsigned bits() const noexcept;
    // sign - the rsa-sha256 signature of `data` (raw bytes), or nullopt if OpenSSL fails.
    std::optional<std::string> sign(std::string_view data) const;
    // public_key_der - the DER SubjectPublicKeyInfo, what a key record's p= publishes.
    std::string public_key_der() const;

private:
    struct Free {
        void operator()(EVP_PKEY* key) const noexcept { EVP_PKEY_free(key); }
    };
    explicit SigningKey(EVP_PKEY* key) : m_key(key, Free{}) {}
    bool signs_verifiably() const;
    std::shared_ptr<EVP_PKEY> m_key;
};

}  // namespace enma::dkim
