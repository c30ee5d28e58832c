// dmarc_record_test.cpp - RFC 9989 4.7/4.8 record parsing: version, tags, defaults, the p=
// fallback with rua=, duplicates, and RFC 7489's historic tags.
#include <doctest/doctest.h>

#include "verify/dmarc/dmarc_record.hpp"

using enma::dmarc::Alignment;
using enma::dmarc::is_dmarc_record;
using enma::dmarc::parse_dmarc_record;
using enma::dmarc::Policy;
using enma::dmarc::PsdFlag;

TEST_CASE("the version tag must come first, with the exact value DMARC1") {
    CHECK(is_dmarc_record("v=DMARC1; p=none"));
    CHECK(is_dmarc_record("v = DMARC1"));
    CHECK(is_dmarc_record("V=DMARC1;p=reject"));
    CHECK_FALSE(is_dmarc_record("v=dmarc1; p=none"));
    CHECK_FALSE(is_dmarc_record("p=none; v=DMARC1"));
    CHECK_FALSE(is_dmarc_record("v=DMARC10; p=none"));
    CHECK_FALSE(is_dmarc_record("v=spf1 -all"));
    CHECK_FALSE(parse_dmarc_record("v=spf1").m_ok);
}

TEST_CASE("every tag with its value, case-insensitive names and keywords") {
    const auto record = parse_dmarc_record(
        "v=DMARC1; P=Reject; sp=quarantine; np=reject; adkim=s; aspf=S; t=y; psd=n; fo=d:s; "
        "rua=mailto:a@example.com!10m, mailto:b@example.net; ruf=mailto:f@example.com");
    REQUIRE(record.m_ok);
    CHECK(record.m_applies);
    CHECK(record.m_p == Policy::reject);
    CHECK(record.m_sp == Policy::quarantine);
    CHECK(record.m_np == Policy::reject);
    CHECK(record.m_adkim == Alignment::strict);
    CHECK(record.m_aspf == Alignment::strict);
    CHECK(record.m_testing);
    CHECK(record.m_psd == PsdFlag::no);
    CHECK(record.m_fo == "d:s");
    REQUIRE(record.m_rua.size() == 2);
    CHECK(record.m_rua[0] == "mailto:a@example.com");
    CHECK(record.m_rua[1] == "mailto:b@example.net");
    CHECK(record.m_ruf == std::vector<std::string>{"mailto:f@example.com"});
}

TEST_CASE("defaults: relaxed alignment, no testing, psd unspecified, fo=0") {
    const auto record = parse_dmarc_record("v=DMARC1; p=none");
    REQUIRE(record.m_applies);
    CHECK(record.m_adkim == Alignment::relaxed);
    CHECK(record.m_aspf == Alignment::relaxed);
    CHECK_FALSE(record.m_testing);
    CHECK(record.m_psd == PsdFlag::unspecified);
    CHECK(record.m_fo == "0");
    CHECK_FALSE(record.m_sp);
    CHECK_FALSE(record.m_np);
}

TEST_CASE("unknown tags are ignored and malformed values fall back to defaults") {
    const auto record = parse_dmarc_record("v=DMARC1; p=reject; foo=bar; adkim=x; t=maybe; fo=9");
    REQUIRE(record.m_applies);
    CHECK(record.m_p == Policy::reject);
    CHECK(record.m_adkim == Alignment::relaxed);
    CHECK_FALSE(record.m_testing);
    CHECK(record.m_fo == "0");
    CHECK(record.m_notes.size() == 4);
}

TEST_CASE("a tag named twice invalidates the whole record (RFC 6376 3.2 syntax)") {
    const auto record = parse_dmarc_record("v=DMARC1; p=none; P=reject");
    CHECK_FALSE(record.m_ok);
    CHECK(record.m_error == "tag p appears twice");
}

TEST_CASE("a missing or invalid p= applies as p=none only with a valid rua=") {
    const auto with_rua = parse_dmarc_record("v=DMARC1; p=bogus; rua=mailto:r@example.com");
    CHECK(with_rua.m_applies);
    CHECK(with_rua.m_p == Policy::none);
    const auto missing = parse_dmarc_record("v=DMARC1; rua=mailto:r@example.com");
    CHECK(missing.m_applies);
    CHECK(missing.m_p == Policy::none);
    const auto without = parse_dmarc_record("v=DMARC1; p=bogus");
    CHECK(without.m_ok);
    CHECK_FALSE(without.m_applies);
    const auto bad_uri = parse_dmarc_record("v=DMARC1; rua=not a uri");
    CHECK_FALSE(bad_uri.m_applies);
}

TEST_CASE("an invalid sp= or np= turns the record into p=none (with rua=) or nothing") {
    const auto with_rua =
        parse_dmarc_record("v=DMARC1; p=reject; sp=never; rua=mailto:r@example.com");
    CHECK(with_rua.m_applies);
    CHECK(with_rua.m_p == Policy::none);
    CHECK_FALSE(with_rua.m_sp);
    CHECK_FALSE(parse_dmarc_record("v=DMARC1; p=reject; np=never").m_applies);
}

TEST_CASE("RFC 7489's pct, rf and ri are kept for PSL mode") {
    const auto record = parse_dmarc_record("v=DMARC1; p=reject; pct=20; rf=afrf; ri=3600");
    CHECK(record.m_pct == 20u);
    CHECK(record.m_rf == "afrf");
    CHECK(record.m_ri == 3600u);
    CHECK_FALSE(parse_dmarc_record("v=DMARC1; p=reject; pct=101").m_pct);
}
