// dkim_signature_test.cpp - tag-lists, base64 with FWS, and DKIM-Signature field semantics.
#include <doctest/doctest.h>

#include <string>

#include "verify/dkim/base64.hpp"
#include "verify/dkim/dkim_signature.hpp"
#include "verify/dkim/tag_list.hpp"

using enma::dkim::Algorithm;
using enma::dkim::decode_base64;
using enma::dkim::parse_dkim_signature;
using enma::dkim::parse_tag_list;
using enma::message::Canonicalization;

namespace {

// minimal - a valid signature field with `extra` tags appended.
std::string minimal(const std::string& extra = "") {
    return " v=1; a=rsa-sha256; d=Example.COM; s=sel; h=From:To; bh=AAAA; b=AAAA" + extra;
}

std::string error_of(const std::string& value) {
    return parse_dkim_signature(value).m_error;
}

}  // namespace

TEST_CASE("tag-list grammar") {
    auto tags = parse_tag_list(" a = 1 ; b=two words\r\n\tmore;");
    REQUIRE(tags.m_ok);
    REQUIRE(tags.m_tags.size() == 2);
    CHECK(tags.find("a")->m_value == "1");
    CHECK(tags.find("b")->m_value == "two words\r\n\tmore");
    CHECK(tags.find("c") == nullptr);
    CHECK(parse_tag_list("a=1; a=2").m_error == "duplicate tag a");
    CHECK(parse_tag_list("a=1;;b=2").m_error == "tag without '='");
    CHECK(parse_tag_list("1a=1").m_error == "invalid tag name");
    CHECK(parse_tag_list("a=\xc3\xa9").m_ok);
    CHECK(parse_tag_list("\xc3\xa9=1").m_error == "invalid tag name");
    CHECK(parse_tag_list(std::string("a=x\0y", 5)).m_error == "invalid character in tag a");
    CHECK(parse_tag_list("").m_error == "tag without '='");
    CHECK(parse_tag_list("a=").m_ok);
}

TEST_CASE("base64 ignores FWS and rejects bad input") {
    CHECK(decode_base64("aGVs\r\n bG8=") == "hello");
    CHECK(decode_base64("") == "");
    CHECK(decode_base64("aGVsbA==") == "hell");
    CHECK_FALSE(decode_base64("aGVsbA=").has_value());
    CHECK_FALSE(decode_base64("aG=sbG8=").has_value());
    CHECK_FALSE(decode_base64("aGV!bG8=").has_value());
    CHECK_FALSE(decode_base64("aGVsbG8=A===").has_value());
}

TEST_CASE("a minimal signature and its defaults") {
    const auto sig = parse_dkim_signature(minimal());
    REQUIRE(sig.m_ok);
    CHECK(sig.m_algorithm == Algorithm::rsa_sha256);
    CHECK(sig.m_domain == "example.com");
    CHECK(sig.m_selector == "sel");
    CHECK(sig.m_identity == "@example.com");
    CHECK(sig.m_header_canon == Canonicalization::simple);
    CHECK(sig.m_body_canon == Canonicalization::simple);
    CHECK(sig.m_signed_headers == std::vector<std::string>{"From", "To"});
    CHECK(sig.m_signature == std::string(3, '\0'));
    CHECK_FALSE(sig.m_body_length.has_value());
}

TEST_CASE("c=, l=, t=, x=, i=, q=, unknown and z= tags") {
    auto sig =
        parse_dkim_signature(minimal("; c=relaxed; l=42; t=100; x=200; z=From:a|To:b; "
                                     "i=joe@Sub.Example.com; q=dns/txt; foo=bar;"));
    REQUIRE(sig.m_ok);
    CHECK(sig.m_header_canon == Canonicalization::relaxed);
    CHECK(sig.m_body_canon == Canonicalization::simple);
    CHECK(sig.m_body_length == 42u);
    CHECK(sig.m_timestamp == 100);
    CHECK(sig.m_expiration == 200);
    CHECK(sig.m_identity_domain == "sub.example.com");
    CHECK(parse_dkim_signature(minimal("; c=simple/relaxed")).m_body_canon ==
          Canonicalization::relaxed);
    CHECK(parse_dkim_signature(minimal("; a=ed25519-sha256")).m_error ==
          "syntax error: duplicate tag a");
}

TEST_CASE("ed25519 and d= in U-labels") {
    // RFC 8616 4: d= may carry U-labels; they are compared and looked up as A-labels.
    auto sig = parse_dkim_signature(
        " v=1; a=ed25519-sha256; d=b\xc3\xbc\x63her.example; s=s; h=from; bh=AAAA; b=AAAA");
    REQUIRE(sig.m_ok);
    CHECK(sig.m_domain == "xn--bcher-kva.example");
    CHECK(sig.m_identity == "@xn--bcher-kva.example");
    sig = parse_dkim_signature(
        " v=1; a=ed25519-sha256; d=XN--BCHER-KVA.example; s=s; h=from; bh=AAAA; b=AAAA");
    REQUIRE(sig.m_ok);
    CHECK(sig.m_algorithm == Algorithm::ed25519_sha256);
    CHECK(sig.m_domain == "xn--bcher-kva.example");
}

TEST_CASE("permanent errors have reasons") {
    CHECK(error_of(" a=rsa-sha256") == "v= missing");
    CHECK(error_of(" v=2; a=rsa-sha256; d=x; s=y; h=from; bh=AAAA; b=AAAA") ==
          "unsupported v= version");
    CHECK(error_of(" v=1; a=rsa-sha1; d=x; s=y; h=from; bh=AAAA; b=AAAA") ==
          "rsa-sha1 is not valid (RFC 8301)");
    CHECK(error_of(" v=1; a=rsa-md5; d=x; s=y; h=from; bh=AAAA; b=AAAA") ==
          "unsupported algorithm");
    CHECK(error_of(" v=1; a=rsa-sha256; d=x; h=from; bh=AAAA; b=AAAA") == "required tag missing");
    CHECK(error_of(" v=1; a=rsa-sha256; d=x; s=y; h=to:subject; bh=AAAA; b=AAAA") ==
          "From is not signed");
    CHECK(error_of(minimal("; i=joe@example.net")) == "i= domain is not within d=");
    CHECK(error_of(minimal("; i=joe@badexample.com")) == "i= domain is not within d=");
    CHECK(error_of(minimal("; i=joe")) == "i= without '@'");
    CHECK(error_of(minimal("; l=-1")) == "invalid l= value");
    CHECK(error_of(minimal("; l=" + std::string(77, '9'))) == "invalid l= value");
    CHECK(error_of(minimal("; t=200; x=100")) == "x= is before t=");
    CHECK(error_of(minimal("; q=http")) == "no supported query method in q=");
    CHECK(error_of(minimal("; c=fancy")) == "unsupported canonicalization");
    CHECK(error_of(" v=1; a=rsa-sha256; d=x; s=y; h=from; bh=AAAA; b=A!AA") == "invalid b= value");
    CHECK(error_of(" v=1; a=rsa-sha256; d=x; s=y; h=from; bh=; b=AAAA") == "invalid bh= value");
    CHECK(error_of(" v=1; a=rsa-sha256; d=x; s=y; h=from::to; bh=AAAA; b=AAAA") ==
          "empty name in h=");
    CHECK(error_of(minimal("; d=again")) == "syntax error: duplicate tag d");
}

TEST_CASE("the b= value and its surrounding FWS are removed for hashing") {
    auto sig =
        parse_dkim_signature(" v=1; a=rsa-sha256; b= AA\r\n\tAA ; d=x; s=y; h=from; bh=AAAA");
    REQUIRE(sig.m_ok);
    CHECK(sig.m_raw_without_b == " v=1; a=rsa-sha256; b=; d=x; s=y; h=from; bh=AAAA");
    CHECK(sig.m_signature_text == "AAAA");
    sig = parse_dkim_signature(minimal("\r\n\tAAAA"));
    REQUIRE(sig.m_ok);
    CHECK(sig.m_raw_without_b ==
          " v=1; a=rsa-sha256; d=Example.COM; s=sel; h=From:To; bh=AAAA; b=");
}

TEST_CASE("garbage never crashes the parser") {
    CHECK_FALSE(parse_dkim_signature(std::string(100000, ';')).m_ok);
    CHECK_FALSE(parse_dkim_signature(std::string("\0\0=\0", 4)).m_ok);
    CHECK_FALSE(parse_dkim_signature("v=1; b=\"unterminated").m_ok);
    // 200k distinct tags: linear work (duplicate detection must not be quadratic).
    std::string many;
    for (int i = 0; i < 200000; ++i)
        many += "t" + std::to_string(i) + "=1;";
    const auto tags = parse_tag_list(many);
    CHECK(tags.m_ok);
    CHECK(tags.m_tags.size() == 200000);
    CHECK(parse_dkim_signature(many).m_error == "v= missing");
}
