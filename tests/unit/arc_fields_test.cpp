// arc_fields_test.cpp - the three ARC field parsers (RFC 8617 4.1).
#include <doctest/doctest.h>

#include <string>

#include "verify/arc/arc_fields.hpp"

using namespace enma::arc;

namespace {

std::string seal(const std::string& tags = "") {
    return " i=2; a=rsa-sha256; cv=pass; d=Example.ORG; s=Sel; t=1700000000;\r\n\tb=AAAA" + tags;
}

std::string ams(const std::string& tags = "") {
    return " i=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=sel;\r\n\th=from:to; "
           "bh=AAAA; b=AAAA" +
           tags;
}

}  // namespace

TEST_CASE("field kinds are told apart by name, case-insensitively") {
    CHECK(arc_field_kind("ARC-Seal") == ArcFieldKind::seal);
    CHECK(arc_field_kind("arc-message-signature") == ArcFieldKind::ams);
    CHECK(arc_field_kind("Arc-Authentication-Results ") == ArcFieldKind::aar);
    CHECK(arc_field_kind("DKIM-Signature") == ArcFieldKind::none);
    CHECK(arc_field_kind("ARC-Seal-Extra") == ArcFieldKind::none);
}

TEST_CASE("instances are 1*DIGIT of at most three digits") {
    CHECK(parse_instance("1") == 1u);
    CHECK(parse_instance(" 50 ") == 50u);
    CHECK(parse_instance("051") == 51u);
    CHECK_FALSE(parse_instance(""));
    CHECK_FALSE(parse_instance("1000"));
    CHECK_FALSE(parse_instance("-1"));
    CHECK_FALSE(parse_instance("2a"));
}

TEST_CASE("ARC-Seal: the tags, cv= and the value without b=") {
    const std::string raw = seal();
    const ArcSeal parsed = parse_arc_seal(raw);
    REQUIRE(parsed.m_ok);
    CHECK(parsed.m_instance == 2u);
    CHECK(parsed.m_cv == ArcResult::pass);
    CHECK(parsed.m_domain == "example.org");
    CHECK(parsed.m_selector == "sel");
    CHECK(parsed.m_timestamp == 1700000000);
    CHECK(parsed.m_signature == std::string("\0\0\0", 3));
    CHECK(parsed.m_raw_without_b ==
          " i=2; a=rsa-sha256; cv=pass; d=Example.ORG; s=Sel; t=1700000000;\r\n\tb=");
}

TEST_CASE("ARC-Seal: what makes it invalid") {
    CHECK(parse_arc_seal(seal("; h=from")).m_error == "h= in an ARC-Seal");
    CHECK(parse_arc_seal(" i=1; a=rsa-sha256; d=x.org; s=s; b=AAAA").m_error ==
          "required tag missing");
    CHECK(parse_arc_seal(" i=1; a=rsa-sha1; cv=none; d=x.org; s=s; b=AAAA").m_error ==
          "unsupported algorithm");
    CHECK(parse_arc_seal(" i=1; a=rsa-sha256; cv=maybe; d=x.org; s=s; b=AAAA").m_error ==
          "invalid cv= value");
    CHECK(parse_arc_seal(" i=1; a=rsa-sha256; cv=none; d=x.org; s=s; b=!!").m_error ==
          "invalid b= value");
    const ArcSeal bad_i = parse_arc_seal(" i=x; a=rsa-sha256; cv=none; d=x.org; s=s; b=AAAA");
    CHECK(bad_i.m_error == "invalid i= value");
    CHECK_FALSE(bad_i.m_instance);
    // A defect after i= still leaves the instance readable, for duplicate and gap checks.
    const ArcSeal no_cv = parse_arc_seal(" i=3; a=rsa-sha256; d=x.org; s=s; b=AAAA");
    CHECK_FALSE(no_cv.m_ok);
    CHECK(no_cv.m_instance == 3u);
    CHECK(parse_arc_seal(" i=1; i=2; a=rsa-sha256").m_error == "syntax error: duplicate tag i");
}

TEST_CASE("ARC-Message-Signature: DKIM's grammar, i= the instance, no v=") {
    const ArcMessageSignature parsed = parse_arc_message_signature(ams());
    REQUIRE(parsed.m_ok);
    CHECK(parsed.m_instance == 1u);
    CHECK(parsed.m_sig.m_domain == "example.org");
    CHECK(parsed.m_sig.m_identity == "@example.org");
    CHECK(parsed.m_sig.m_body_canon == enma::message::Canonicalization::relaxed);
    CHECK(parsed.m_sig.m_signed_headers == std::vector<std::string>{"from", "to"});
    CHECK(parse_arc_message_signature(ams("; v=1")).m_error == "v= in an ARC-Message-Signature");
    CHECK(parse_arc_message_signature(" i=1; a=rsa-sha256; d=x.org; s=s; h=from:arc-seal; "
                                      "bh=AAAA; b=AAAA")
              .m_error == "h= names ARC-Seal");
    // From need not be signed in an AMS (RFC 8617 4.1.2 drops DKIM's requirement).
    CHECK(parse_arc_message_signature(" i=1; a=rsa-sha256; d=x.org; s=s; h=to; bh=AAAA; b=AAAA")
              .m_ok);
    CHECK(
        parse_arc_message_signature(" a=rsa-sha256; d=x.org; s=s; h=to; bh=AAAA; b=AAAA").m_error ==
        "invalid i= value");
}

TEST_CASE("ARC-Authentication-Results: i= then the payload") {
    const ArcAuthResults parsed = parse_arc_auth_results(
        " i = 1 ;\r\n\tmx.example.org; spf=pass smtp.mailfrom=a@example.com ");
    REQUIRE(parsed.m_ok);
    CHECK(parsed.m_instance == 1u);
    CHECK(parsed.m_payload == "mx.example.org; spf=pass smtp.mailfrom=a@example.com");
    CHECK(parse_arc_auth_results(" mx.example.org; i=1; spf=pass").m_error == "i= missing");
    CHECK(parse_arc_auth_results(" i=one; mx.example.org").m_error == "invalid i= value");
    CHECK(parse_arc_auth_results(" i=1").m_error == "no payload after i=");
    CHECK(parse_arc_auth_results(" i=1;  ").m_error == "no payload after i=");
}
