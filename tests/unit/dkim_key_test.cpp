// dkim_key_test.cpp - key records (RFC 6376 3.6.1, RFC 8463), record choice, key loading.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "verify/dkim/base64.hpp"
#include "verify/dkim/dkim_key.hpp"
#include "verify/dkim/key_lookup.hpp"
#include "verify/dkim/public_key.hpp"

using enma::dkim::decode_base64;
using enma::dkim::parse_dkim_key;
using enma::dkim::PublicKey;
using enma::dkim::select_key;

namespace {

// RFC 8463 Appendix A.2 keys.
const std::string rsa_p =
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/"
    "J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLz"
    "BfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB";
const std::string ed_p = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

}  // namespace

TEST_CASE("RFC 8463 key records parse") {
    auto key = parse_dkim_key("v=DKIM1; k=ed25519; p=" + ed_p);
    REQUIRE(key.m_ok);
    CHECK(key.m_key_type == "ed25519");
    CHECK(key.m_public_key.size() == 32);
    key = parse_dkim_key("v=DKIM1; k=rsa; p=" + rsa_p);
    REQUIRE(key.m_ok);
    CHECK(key.m_key_type == "rsa");
    CHECK_FALSE(key.m_revoked);
    CHECK(key.allows_hash("sha256"));
    CHECK(key.allows_email());
}

TEST_CASE("key tags: defaults, flags, services, hashes, n= and g=") {
    auto key = parse_dkim_key("p=" + rsa_p);
    REQUIRE(key.m_ok);
    CHECK(key.m_key_type == "rsa");
    key = parse_dkim_key("v=DKIM1; h=sha1 : sha256; s=email; t=y:s:x; n=notes; g=joe*; p=" + rsa_p);
    REQUIRE(key.m_ok);
    CHECK(key.allows_hash("sha256"));
    CHECK(key.m_testing);
    CHECK(key.m_strict);
    CHECK(key.m_granularity == "joe*");
    CHECK_FALSE(parse_dkim_key("h=sha1; p=" + rsa_p).allows_hash("sha256"));
    CHECK(parse_dkim_key("s=*; p=" + rsa_p).allows_email());
    CHECK_FALSE(parse_dkim_key("s=tlsrpt; p=" + rsa_p).allows_email());
}

TEST_CASE("revoked and malformed key records") {
    auto key = parse_dkim_key("v=DKIM1; p=");
    REQUIRE(key.m_ok);
    CHECK(key.m_revoked);
    CHECK(parse_dkim_key("k=rsa; v=DKIM1; p=" + rsa_p).m_error == "unsupported key version");
    CHECK(parse_dkim_key("v=DKIM2; p=" + rsa_p).m_error == "unsupported key version");
    CHECK(parse_dkim_key("v=DKIM1; k=dsa; p=" + rsa_p).m_error == "unknown key type");
    CHECK(parse_dkim_key("v=DKIM1; k=rsa").m_error == "key record without p=");
    CHECK(parse_dkim_key("v=DKIM1; p=MIG!fMA0").m_error == "invalid p= base64");
    CHECK(parse_dkim_key("v=DKIM1; p=a; p=b").m_error == "key syntax error: duplicate tag p");
    CHECK_FALSE(parse_dkim_key("v=spf1 -all").m_ok);
}

TEST_CASE("select_key takes the first record that parses") {
    auto key = select_key({"v=spf1 -all", "v=DKIM1; k=ed25519; p=" + ed_p});
    REQUIRE(key.m_ok);
    CHECK(key.m_key_type == "ed25519");
    key = select_key({"v=DKIM1; k=bad; p=" + ed_p, "garbage"});
    CHECK(key.m_error == "unknown key type");
    CHECK(select_key({}).m_error == "no key");
}

TEST_CASE("public keys load from DER SPKI, PKCS#1 and raw ed25519") {
    auto rsa = PublicKey::load("rsa", *decode_base64(rsa_p));
    REQUIRE(rsa.has_value());
    CHECK(rsa->bits() == 1024);
    // The same key as a bare RSAPublicKey: the SPKI minus its 22-byte header.
    auto pkcs1 = PublicKey::load("rsa", decode_base64(rsa_p)->substr(22));
    REQUIRE(pkcs1.has_value());
    CHECK(pkcs1->bits() == 1024);
    auto ed = PublicKey::load("ed25519", *decode_base64(ed_p));
    REQUIRE(ed.has_value());
    CHECK(ed->bits() == 256);
    CHECK_FALSE(PublicKey::load("ed25519", decode_base64(ed_p)->substr(1)).has_value());
    CHECK_FALSE(PublicKey::load("rsa", *decode_base64(ed_p)).has_value());
    CHECK_FALSE(PublicKey::load("rsa", "").has_value());
    CHECK_FALSE(ed->verify(enma::dkim::Algorithm::ed25519_sha256, "data", std::string(64, 'x')));
}

TEST_CASE("key query names") {
    CHECK(enma::dkim::key_query_name("brisbane", "football.example.com") ==
          "brisbane._domainkey.football.example.com");
}
