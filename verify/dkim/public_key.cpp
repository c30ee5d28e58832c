// public_key.cpp - EVP_PKEY loading and EVP_DigestVerify.
#include "verify/dkim/public_key.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "verify/dkim/sha256.hpp"

namespace enma::dkim {

namespace {

const unsigned char* bytes(std::string_view text) {
    return reinterpret_cast<const unsigned char*>(text.data());
}

EVP_PKEY* load_rsa(std::string_view der) {
    const unsigned char* p = bytes(der);
    EVP_PKEY* key = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
    if (key == nullptr) {
        p = bytes(der);
        key = d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, static_cast<long>(der.size()));
    }
    if (key != nullptr && EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
        EVP_PKEY_free(key);
        key = nullptr;
    }
    return key;
}

struct CtxFree {
    void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};

}  // namespace

std::optional<PublicKey> PublicKey::load(std::string_view key_type, std::string_view der) {
    EVP_PKEY* key = nullptr;
    if (key_type == "rsa") {
        key = load_rsa(der);
    } else if (key_type == "ed25519" && der.size() == 32) {
        key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes(der), der.size());
    }
    if (key == nullptr)
        return std::nullopt;
    return PublicKey(key);
}

PublicKey::PublicKey(EVP_PKEY* key)
    : m_key(key, Free{}),
      m_bits(static_cast<unsigned>(EVP_PKEY_get_bits(key))),
      m_rsa_problem(find_rsa_problem()) {}

std::optional<std::string> PublicKey::find_rsa_problem() const {
    if (EVP_PKEY_get_base_id(m_key.get()) != EVP_PKEY_RSA)
        return std::nullopt;
    if (bits() > kMaxRsaBits)
        return "key too large";
    BIGNUM* exponent = nullptr;
    if (EVP_PKEY_get_bn_param(m_key.get(), OSSL_PKEY_PARAM_RSA_E, &exponent) != 1)
        return "key exponent not allowed";
    const bool allowed = BN_is_odd(exponent) && BN_num_bits(exponent) <= 32 && !BN_is_one(exponent);
    BN_free(exponent);
    if (!allowed)
        return "key exponent not allowed";
    return std::nullopt;
}

bool PublicKey::verify(Algorithm algorithm, std::string_view header_data,
                       std::string_view signature) const {
    std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
    if (!ctx)
        return false;
    if (algorithm == Algorithm::rsa_sha256) {
        if (EVP_DigestVerifyInit(ctx.get(), nullptr, sha256(), nullptr, m_key.get()) != 1)
            return false;
        return EVP_DigestVerify(ctx.get(), bytes(signature), signature.size(), bytes(header_data),
                                header_data.size()) == 1;
    }
    unsigned char digest[SHA256_DIGEST_LENGTH];
    unsigned int digest_size = 0;
    if (EVP_Digest(header_data.data(), header_data.size(), digest, &digest_size, sha256(),
                   nullptr) != 1)
        return false;
    if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, m_key.get()) != 1)
        return false;
    return EVP_DigestVerify(ctx.get(), bytes(signature), signature.size(), digest, digest_size) ==
           1;
}

}  // namespace enma::dkim
