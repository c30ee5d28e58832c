// dkim_key_size_test.cpp - hostile RSA key records (issue 13): keys above 4096 bits and absurd
// public exponents are permerror before any hashing; 1024..4096 bits with 65537 or 3 are used.
// The keys are built from chosen (n, e) with OpenSSL and served by ZoneResolver.
#include <doctest/doctest.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

#include "coro/scheduler.hpp"
#include "coro/sync_wait.hpp"
#include "tests/support/zone_resolver.hpp"
#include "verify/dkim/public_key.hpp"
#include "verify/dkim/verify_message.hpp"

using enma::coro::Scheduler;
using enma::coro::sync_wait;
using enma::dkim::DkimResult;
using enma::dkim::DkimResultCode;
using enma::dkim::PublicKey;
using enma::resolver::ZoneResolver;

namespace {

using Bn = std::unique_ptr<BIGNUM, decltype(&BN_free)>;

// rsa_der - a SubjectPublicKeyInfo with an odd modulus of exactly `bits` bits and exponent `e`.
std::string rsa_der(int bits, const BIGNUM* e) {
    Bn n(BN_new(), BN_free);
    BN_set_bit(n.get(), bits - 1);
    BN_set_bit(n.get(), bits / 2);
    BN_set_bit(n.get(), 0);
    OSSL_PARAM_BLD* build = OSSL_PARAM_BLD_new();
    OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_N, n.get());
    OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_E, e);
    OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(build);
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
    EVP_PKEY* key = nullptr;
    REQUIRE(EVP_PKEY_fromdata_init(ctx) == 1);
    REQUIRE(EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) == 1);
    unsigned char* der = nullptr;
    const int size = i2d_PUBKEY(key, &der);
    REQUIRE(size > 0);
    std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(size));
    OPENSSL_free(der);
    EVP_PKEY_free(key);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(build);
    return out;
}

std::string rsa_der(int bits, unsigned long long e) {
    Bn exponent(BN_new(), BN_free);
    BN_set_word(exponent.get(), 0);
    for (int bit = 0; bit < 64; ++bit)
        if ((e >> bit) & 1)
            BN_set_bit(exponent.get(), bit);
    return rsa_der(bits, exponent.get());
}

std::string base64(const std::string& der) {
    std::string out(4 * ((der.size() + 2) / 3) + 1, '\0');
    const int size = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                     reinterpret_cast<const unsigned char*>(der.data()),
                                     static_cast<int>(der.size()));
    out.resize(static_cast<std::size_t>(size));
    return out;
}

// verify_with_key - a message signed (falsely) by big._domainkey.example.com with this key.
DkimResult verify_with_key(const std::string& der) {
    Scheduler scheduler(Scheduler::Options{true});
    ZoneResolver zone(scheduler);
    const std::string p = "v=DKIM1; k=rsa; p=" + base64(der);
    std::string record = "big._domainkey.example.com. IN TXT (";
    for (std::size_t at = 0; at < p.size(); at += 200)
        record += " \"" + p.substr(at, 200) + "\"";
    zone.load(record + " )\n");
    scheduler.start();
    const std::string message =
        "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=big;\r\n"
        " h=from; bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=; b=AAAA\r\n"
        "From: a@example.com\r\n\r\nHello.\r\n";
    auto results = sync_wait(scheduler, enma::dkim::verify_message(zone, message, {}, 0));
    REQUIRE(results.size() == 1);
    return results[0];
}

}  // namespace

TEST_CASE("RSA key size: 1024 to 4096 bits are used, above 4096 is permerror key too large") {
    for (int bits : {1024, 2048, 4096}) {
        const auto result = verify_with_key(rsa_der(bits, 65537));
        CHECK(result.m_code == DkimResultCode::fail);  // the key was used: the hash is wrong
        CHECK(result.m_key_bits == static_cast<unsigned>(bits));
    }
    for (int bits : {4097, 8192, 16384}) {
        const auto result = verify_with_key(rsa_der(bits, 65537));
        CHECK(result.m_code == DkimResultCode::permerror);
        CHECK(result.m_reason == "key too large");
        CHECK(result.m_key_bits == static_cast<unsigned>(bits));
    }
}

TEST_CASE("RSA public exponent: 3 and 65537 are used; even, 1 or over 32 bits are refused") {
    CHECK(verify_with_key(rsa_der(2048, 3)).m_code == DkimResultCode::fail);
    CHECK(verify_with_key(rsa_der(2048, 0xffffffffULL)).m_code == DkimResultCode::fail);
    for (unsigned long long e : {1ULL, 65538ULL, 0x100000001ULL, 0xffffffffffffffffULL}) {
        CAPTURE(e);
        const auto result = verify_with_key(rsa_der(2048, e));
        CHECK(result.m_code == DkimResultCode::permerror);
        CHECK(result.m_reason == "key exponent not allowed");
    }
}

TEST_CASE("PublicKey::rsa_problem is nullopt for Ed25519") {
    const auto key = PublicKey::load("ed25519", std::string(32, '\x01'));
    REQUIRE(key);
    CHECK(!key->rsa_problem());
}
