// spf_record_test.cpp - the term grammar: mechanisms, qualifiers, CIDR lengths, modifiers and
// the syntax errors that make a record a permerror.
#include <doctest/doctest.h>

#include "verify/spf/spf_record.hpp"
#include "verify/spf/spf_select.hpp"

using enma::spf::is_spf1_record;
using enma::spf::MechanismKind;
using enma::spf::parse_record;
using enma::spf::Qualifier;
using enma::spf::RecordSelection;
using enma::spf::select_spf1;

namespace {
bool is_error(std::string_view text) {
    return !parse_record(text).m_record.has_value();
}
}  // namespace

TEST_CASE("version: v=spf1 followed by a space or the end, any case") {
    CHECK(is_spf1_record("v=spf1"));
    CHECK(is_spf1_record("V=SpF1 -all"));
    CHECK_FALSE(is_spf1_record("v=spf10"));
    CHECK_FALSE(is_spf1_record("v=spf1mx"));
    CHECK_FALSE(is_spf1_record("spf2.0/pra -all"));
}

TEST_CASE("mechanisms with qualifiers, targets and dual CIDR lengths") {
    const auto parsed = parse_record(
        "v=spf1 +a -mx:mail.example.com/24//64 ~ptr ?exists:%{i}.x.example "
        "include:_spf.example.com ip4:192.0.2.0/24 ip6:2001:db8::/32 all ");
    REQUIRE(parsed.m_record);
    const auto& m = parsed.m_record->m_mechanisms;
    REQUIRE(m.size() == 8);
    CHECK(m[0].m_kind == MechanismKind::a);
    CHECK(m[0].m_qualifier == Qualifier::pass);
    CHECK(m[0].m_domain_spec.empty());
    CHECK(m[1].m_kind == MechanismKind::mx);
    CHECK(m[1].m_qualifier == Qualifier::fail);
    CHECK(m[1].m_domain_spec == "mail.example.com");
    CHECK(m[1].m_cidr4 == 24);
    CHECK(m[1].m_cidr6 == 64);
    CHECK(m[2].m_qualifier == Qualifier::softfail);
    CHECK(m[3].m_qualifier == Qualifier::neutral);
    CHECK(m[3].m_domain_spec == "%{i}.x.example");
    CHECK(m[4].m_kind == MechanismKind::include);
    CHECK(m[5].m_ip4.to_string() == "192.0.2.0");
    CHECK(m[5].m_cidr4 == 24);
    CHECK(m[6].m_cidr6 == 32);
    CHECK(m[7].m_kind == MechanismKind::all);
    CHECK(m[1].m_text == "-mx:mail.example.com/24//64");
    CHECK(m[0].uses_dns());
    CHECK_FALSE(m[5].uses_dns());
}

TEST_CASE("modifiers: redirect, exp, unknown ones; each known one at most once") {
    const auto parsed = parse_record(
        "v=spf1 exp=explain.%{d} moo.cow-far_out=man:dog/cat redirect=_spf.example.com");
    REQUIRE(parsed.m_record);
    CHECK(*parsed.m_record->m_redirect == "_spf.example.com");
    CHECK(*parsed.m_record->m_explanation == "explain.%{d}");
    CHECK(is_error("v=spf1 redirect=a.example.com redirect=b.example.com"));
    CHECK(is_error("v=spf1 exp=a.example.com exp=b.example.com"));
    CHECK(is_error("v=spf1 exp="));
    CHECK(is_error("v=spf1 redirect="));
    CHECK(is_error("v=spf1 redirect=-all"));
    CHECK(is_error("v=spf1 1up=foo"));
    CHECK(is_error("v=spf1 =all"));
    CHECK(is_error("v=spf1 foo=%abc"));
    CHECK(is_error("v=spf1 moo.cow/far_out=man:dog/cat"));
    CHECK(is_error("v=spf1 redirect:example.com"));
}

TEST_CASE("syntax errors anywhere in the record") {
    CHECK(is_error("v=spf1 ip4:1.2.3.4 -all moo"));
    CHECK(is_error("v=spf1 -all."));
    CHECK(is_error("v=spf1 -all:foobar"));
    CHECK(is_error("v=spf1 -all/8"));
    CHECK(is_error("v=spf1 a/33"));
    CHECK(is_error("v=spf1 a//129"));
    CHECK(is_error("v=spf1 a/24/64"));
    CHECK(is_error("v=spf1 a:"));
    CHECK(is_error("v=spf1 ptr/0"));
    CHECK(is_error("v=spf1 include"));
    CHECK(is_error("v=spf1 exists"));
    CHECK(is_error("v=spf1 ip4"));
    CHECK(is_error("v=spf1 ip4:1.2.3.4/032"));
    CHECK(is_error("v=spf1 ip4:1.2.3.4//32"));
    CHECK(is_error("v=spf1 ip4:1.2.3"));
    CHECK(is_error("v=spf1 ip4:1.2.3.4:8080"));
    CHECK(is_error("v=spf1 ip6:::1.1.1.1/129"));
    CHECK(is_error("v=spf1 ip6::CAFE::BABE"));
    CHECK(is_error("v=spf1 a:ctrl.example.com\rptr -all"));
    CHECK(
        is_error("v=spf1 a:example.net \x96"
                 "all"));
    CHECK_FALSE(is_error("v=spf1 a  -all"));
    CHECK_FALSE(is_error("v=spf1"));
    CHECK_FALSE(is_error("v=spf1 a:foo:bar/baz.example.com"));
    CHECK_FALSE(is_error("V=SPF1 A MX:EXAMPLE.COM -ALL"));
}

TEST_CASE("select_spf1: exactly one v=spf1 record among the TXT records") {
    CHECK(select_spf1({"hello", "v=spf1 -all"}).m_status == RecordSelection::Status::one);
    CHECK(select_spf1({"hello", "v=spf1 -all"}).m_terms == " -all");
    CHECK(select_spf1({"v=spf1 -all", "V=SPF1 +all"}).m_status == RecordSelection::Status::many);
    CHECK(select_spf1({"v=spf10", "spf2.0/pra -all"}).m_status == RecordSelection::Status::none);
    CHECK(select_spf1({}).m_status == RecordSelection::Status::none);
}
