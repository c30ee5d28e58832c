// signing_key.cpp - PEM private keys through OpenSSL, and rsa-sha256 signing.
#include "verify/dkim/signing_key.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <stdexcept>

#include "verify/dkim/public_key.hpp"
#include "verify/dkim/sha256.hpp"

namespace enma::dkim {

namespace {

struct BioFree {
    void operator()(BIO* bio) const noexcept { BIO_free(bio); }
};
struct CtxFree {
    void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};

// no_passphrase - an encrypted key is refused rather than prompting on a terminal.
int no_passphrase(char*, int, int, void*) {
    return -1;
}

// read_pem - the key, or nullptr; OpenSSL's error queue is emptied either way so that its
// reasons (which may quote input) never reach a later caller.
EVP_PKEY* read_pem(std::string_view pem) {
    std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    EVP_PKEY* key =
        bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr) : nullptr;
    ERR_clear_error();
    return key;
}

}  // namespace

std::optional<SigningKey> SigningKey::from_pem(std::string_view pem, std::string& error) {
    if (pem.size() > kMaxFileBytes) {
        error = "larger than 64 KiB: not a private key file";
        return std::nullopt;
    }
    EVP_PKEY* raw = read_pem(pem);
    if (raw == nullptr) {
        error = "not an unencrypted PEM private key";
        return std::nullopt;
    }
    SigningKey key(raw);
    if (EVP_PKEY_get_base_id(raw) != EVP_PKEY_RSA) {
        error = "not an RSA key (ARC seals are rsa-sha256 only)";
        return std::nullopt;
    }
    if (key.bits() < kMinBits || key.bits() > kMaxBits) {
        error = "RSA key of " + std::to_string(key.bits()) + " bits; 1024 to 4096 are allowed";
        return std::nullopt;
    }
    if (!key.signs_verifiably()) {
        error = "damaged RSA key: its signatures do not verify with its own public key";
        return std::nullopt;
    }
    return key;
}

SigningKey SigningKey::load_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error(path + ": cannot be read");
    std::string text(kMaxFileBytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    std::string error;
    auto key = from_pem(text, error);
    OPENSSL_cleanse(text.data(), text.size());
    if (!key)
        throw std::runtime_error(path + ": " + error);
    return std::move(*key);
}

// signs_verifiably - a PEM file can decode to a key whose private half does not match its
// public half (a flipped bit in d or a prime): every seal made with it would fail, silently.
// Our own verifier checks one signature at load time instead.
bool SigningKey::signs_verifiably() const {
    constexpr std::string_view probe = "enma signing key self-test";
    const auto signature = sign(probe);
    const auto public_key = PublicKey::load("rsa", public_key_der());
    return signature && public_key && public_key->verify(Algorithm::rsa_sha256, probe, *signature);
}

unsigned SigningKey::bits() const noexcept {
    return static_cast<unsigned>(EVP_PKEY_get_bits(m_key.get()));
}

std::optional<std::string> SigningKey::sign(std::string_view data) const {
    std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
    std::size_t size = 0;
    const bool ready =
        ctx && EVP_DigestSignInit(ctx.get(), nullptr, sha256(), nullptr, m_key.get()) == 1 &&
        EVP_DigestSign(ctx.get(), nullptr, &size, nullptr, 0) == 1;
    std::string signature(size, '\0');
    const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
    if (!ready || EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()),
                                 &size, bytes, data.size()) != 1) {
        ERR_clear_error();
        return std::nullopt;
    }
    signature.resize(size);
    return signature;
}

std::string SigningKey::public_key_der() const {
    unsigned char* der = nullptr;
    const int size = i2d_PUBKEY(m_key.get(), &der);
    if (size <= 0)
        return {};
    std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(size));
    OPENSSL_free(der);
    return out;
}

}  // namespace enma::dkim
