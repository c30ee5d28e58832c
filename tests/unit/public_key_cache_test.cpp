// public_key_cache_test.cpp - PublicKeyCache: hits give the key PublicKey::load gives, keys
// that do not load are not kept, (k=, p=) is the whole key, and the LRU bound.
#include <doctest/doctest.h>

#include <string>

#include "verify/dkim/base64.hpp"
#include "verify/dkim/public_key.hpp"
#include "verify/dkim/public_key_cache.hpp"

using enma::dkim::decode_base64;
using enma::dkim::PublicKey;
using enma::dkim::PublicKeyCache;

namespace {

// RFC 8463 Appendix A.2 keys.
const std::string rsa_der = *decode_base64(
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/"
    "J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLz"
    "BfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB");
const std::string ed_raw = *decode_base64("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");

}  // namespace

TEST_CASE("a key loaded twice is decoded once and is the same key") {
    PublicKeyCache cache;
    const auto first = cache.load("rsa", rsa_der);
    const auto second = cache.load("rsa", rsa_der);
    REQUIRE(first.has_value());
    REQUIRE(second.has_value());
    CHECK(second->bits() == PublicKey::load("rsa", rsa_der)->bits());
    CHECK(cache.hits() == 1);
    CHECK(cache.size() == 1);
    CHECK(cache.load("ed25519", ed_raw)->bits() == 256);
    CHECK(cache.size() == 2);
}

TEST_CASE("keys that do not load are not kept, and k= is part of the key") {
    PublicKeyCache cache;
    CHECK_FALSE(cache.load("rsa", "").has_value());
    CHECK_FALSE(cache.load("rsa", "").has_value());
    CHECK_FALSE(cache.load("ed25519", rsa_der).has_value());
    CHECK(cache.load("rsa", rsa_der).has_value());
    CHECK_FALSE(cache.load("ed25519", rsa_der).has_value());
    CHECK_FALSE(cache.load("rsa", ed_raw).has_value());
    CHECK(cache.size() == 1);
    CHECK(cache.hits() == 0);
}

TEST_CASE("the least recently used key goes first") {
    PublicKeyCache cache(1);
    cache.load("rsa", rsa_der);
    cache.load("ed25519", ed_raw);
    CHECK(cache.size() == 1);
    cache.load("rsa", rsa_der);
    CHECK(cache.hits() == 0);
    cache.load("rsa", rsa_der);
    CHECK(cache.hits() == 1);
    PublicKeyCache none(0);
    CHECK(none.load("rsa", rsa_der).has_value());
    CHECK(none.size() == 0);
}
