// sidf_check_test.cpp - Sender ID record selection and checks for both scopes.
#include <doctest/doctest.h>

#include "coro/scheduler.hpp"
#include "coro/sync_wait.hpp"
#include "tests/support/zone_resolver.hpp"
#include "verify/sidf/sidf_check.hpp"

using enma::coro::Scheduler;
using enma::coro::sync_wait;
using enma::resolver::IpAddress;
using enma::resolver::RrType;
using enma::resolver::ZoneResolver;
using enma::sidf::check_sender_id;
using enma::sidf::parse_version;
using enma::sidf::select_record;
using enma::sidf::SidfFailReason;
using enma::sidf::SidfInput;
using enma::sidf::SidfOutput;
using enma::sidf::SidfResult;
using enma::sidf::SidfScope;
using enma::spf::RecordSelection;
using Status = enma::spf::RecordSelection::Status;

TEST_CASE("version sections and scopes") {
    auto version = parse_version("spf2.0/mfrom,pra -all");
    REQUIRE(version);
    CHECK(version->m_mfrom);
    CHECK(version->m_pra);
    CHECK(version->m_terms_at == 16);
    version = parse_version("SPF2.0/PRA");
    REQUIRE(version);
    CHECK(version->m_pra);
    CHECK_FALSE(version->m_mfrom);
    CHECK(parse_version("spf2.0/pra,future-scope ip4:192.0.2.1")->m_pra);
    CHECK(parse_version("v=spf1 -all")->m_spf1);
    CHECK_FALSE(parse_version("spf2.0/ -all"));
    CHECK_FALSE(parse_version("spf2.0/pra,,mfrom -all"));
    CHECK_FALSE(parse_version("spf2.0 -all"));
    CHECK_FALSE(parse_version("spf2.1/pra -all"));
}

TEST_CASE("selection: spf2.0 for the scope first, v=spf1 as fallback, two is permerror") {
    const std::vector<std::string> both = {"v=spf1 -all", "spf2.0/pra +all"};
    CHECK(select_record(both, SidfScope::pra).m_terms == " +all");
    CHECK(select_record(both, SidfScope::mfrom).m_terms == " -all");
    CHECK(select_record({"spf2.0/pra -all", "spf2.0/mfrom,pra +all"}, SidfScope::pra).m_status ==
          Status::many);
    CHECK(select_record({"spf2.0/pra -all", "spf2.0/mfrom +all"}, SidfScope::mfrom).m_terms ==
          " +all");
    CHECK(select_record({"hello"}, SidfScope::pra).m_status == Status::none);
    CHECK(select_record({"v=spf1 a", "v=spf1 mx"}, SidfScope::pra).m_status == Status::many);
}

namespace {

struct Fixture {
    Fixture() : m_scheduler(Scheduler::Options{true}), m_zone(m_scheduler) {
        m_scheduler.start();
        m_zone.add("example.com", RrType::txt, std::string("v=spf1 -all"));
        m_zone.add("example.com", RrType::txt, std::string("spf2.0/pra ip4:192.0.2.0/24 -all"));
        m_zone.add("mfrom.example", RrType::txt, std::string("spf2.0/mfrom ip4:198.51.100.1 ?all"));
        m_zone.add("spf1only.example", RrType::txt, std::string("v=spf1 ip4:192.0.2.7 ~all"));
        m_zone.add("inc.example", RrType::txt,
                   std::string("spf2.0/pra include:gone.example ip4:192.0.2.9 -all"));
    }
    SidfOutput run(const SidfInput& input) {
        enma::spf::SpfLimits limits;
        return sync_wait(m_scheduler, check_sender_id(m_zone, input, limits));
    }
    Scheduler m_scheduler;
    ZoneResolver m_zone;
};

SidfInput pra_input(std::string ip, std::vector<enma::sidf::HeaderField> headers) {
    SidfInput input;
    input.m_ip = *IpAddress::parse(ip);
    input.m_headers = std::move(headers);
    input.m_scope = SidfScope::pra;
    return input;
}

}  // namespace

TEST_CASE("pra scope uses the spf2.0/pra record of the PRA domain") {
    Fixture f;
    auto out = f.run(pra_input("192.0.2.10", {{"From", "Boss <boss@example.com>"}}));
    CHECK(out.m_result == SidfResult::pass);
    CHECK(out.m_identity == "boss@example.com");
    CHECK(out.m_header == "From");
    CHECK(out.m_mechanism == "ip4:192.0.2.0/24");
    out = f.run(pra_input("203.0.113.1", {{"From", "x@example.com"}, {"Sender", "y@example.com"}}));
    CHECK(out.m_result == SidfResult::fail);
    CHECK(out.m_fail_reason == SidfFailReason::not_permitted);
    CHECK(out.m_header == "Sender");
    CHECK(to_rfc5451_string(out.m_result) == "hardfail");
}

TEST_CASE("pra scope: v=spf1 fallback, nonexistent domains fail, no PRA is permerror") {
    Fixture f;
    CHECK(f.run(pra_input("192.0.2.7", {{"From", "a@spf1only.example"}})).m_result ==
          SidfResult::pass);
    auto out = f.run(pra_input("192.0.2.7", {{"From", "a@missing.example"}}));
    CHECK(out.m_result == SidfResult::fail);
    CHECK(out.m_fail_reason == SidfFailReason::domain_does_not_exist);
    // An included domain that does not exist fails there, so the include does not match.
    CHECK(f.run(pra_input("192.0.2.9", {{"From", "a@inc.example"}})).m_result == SidfResult::pass);
    CHECK(f.run(pra_input("192.0.2.1", {{"From", "a@inc.example"}})).m_result == SidfResult::fail);
    out = f.run(pra_input("192.0.2.7", {{"From", "a@x.example, b@y.example"}}));
    CHECK(out.m_result == SidfResult::permerror);
    CHECK(out.m_reason.find("Purported Responsible Address") != std::string::npos);
}

TEST_CASE("mfrom scope: spf2.0/mfrom, v=spf1 fallback, null sender is postmaster@HELO") {
    Fixture f;
    SidfInput input;
    input.m_scope = SidfScope::mfrom;
    input.m_ip = *IpAddress::parse("198.51.100.1");
    input.m_mail_from = "bounce@mfrom.example";
    CHECK(f.run(input).m_result == SidfResult::pass);
    input.m_mail_from = "bounce@example.com";
    CHECK(f.run(input).m_result == SidfResult::fail);  // v=spf1 -all: no spf2.0/mfrom there
    input.m_mail_from = "";
    input.m_helo = "spf1only.example";
    input.m_ip = *IpAddress::parse("192.0.2.7");
    auto out = f.run(input);
    CHECK(out.m_result == SidfResult::pass);
    CHECK(out.m_identity == "postmaster@spf1only.example");
    input.m_mail_from = "a@missing.example";
    CHECK(f.run(input).m_result == SidfResult::none);  // only the PRA scope fails here
}
