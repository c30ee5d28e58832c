// message_session_adsp_test.cpp - dkimadsp.auth in MessageSession: ADSP runs after the DKIM
// verdict as a second round of lookups and adds one dkim-adsp result with header.from.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>

#include "coro/scheduler.hpp"
#include "tests/support/zone_resolver.hpp"
#include "tests/unit/message_session_fixture.hpp"
#include "verify/pipeline/message_session.hpp"

using namespace std::chrono_literals;
using enma::coro::Scheduler;
using enma::pipeline::AuthSettings;
using enma::pipeline::ConnectionInfo;
using enma::pipeline::MessageSession;
using enma::pipeline::Verdict;
using enma::resolver::IpAddress;
using enma::resolver::ZoneResolver;

namespace {

struct Fixture : enma::testing::SessionFixture {
    Fixture()
        : SessionFixture(R"(
$ORIGIN example.com.
@                 MX  10 mx
_adsp._domainkey  TXT "dkim=discardable"
slow              MX  10 mx
_adsp._domainkey.slow TXT "dkim=all"
)") {
        m_zone->set_no_answer("_adsp._domainkey.slow.example.com");
        m_settings.m_spf = false;
        m_settings.m_sidf = false;
        m_settings.m_adsp = true;
    }

    Verdict run(const Headers& headers) {
        return SessionFixture::run("192.0.2.1", "<user@example.com>", headers);
    }
};

}  // namespace

TEST_CASE("an unsigned message from a discardable domain: dkim-adsp=discard") {
    Fixture f;
    const auto verdict = f.run({{"From", " User <user@Example.COM>"}, {"Subject", " hi"}});
    CHECK(verdict.m_header_value ==
          "mx.example.jp;\n\tdkim=none;\n\tdkim-adsp=discard"
          " reason=\"no valid author domain signature; dkim=discardable\""
          " header.from=user@example.com");
    REQUIRE(verdict.m_results.size() == 2);
    CHECK(verdict.m_results[1].m_method == "dkim-adsp");
    CHECK(verdict.m_queries == 2);  // the domain check and the ADSP record
}

TEST_CASE("ADSP is off by default") {
    Fixture f;
    f.m_settings.m_adsp = false;
    const auto verdict = f.run({{"From", " user@example.com"}});
    CHECK(verdict.m_header_value == "mx.example.jp;\n\tdkim=none");
    CHECK(verdict.m_queries == 0);
}

TEST_CASE("no usable author: permerror without a lookup") {
    Fixture f;
    CHECK(f.run({{"Subject", " no author"}}).m_header_value ==
          "mx.example.jp;\n\tdkim=none;\n\tdkim-adsp=permerror reason=\"no From field\"");
    CHECK(f.run({{"From", " a@example.com"}, {"From", " b@example.com"}}).m_results[1].m_reason ==
          "multiple From fields");
    CHECK(f.m_zone->query_count() == 0);
}

TEST_CASE("the ADSP round is bounded by what is left of the message's deadline") {
    Fixture f;
    f.m_settings.m_deadline = 2s;
    const auto verdict = f.run({{"From", " user@slow.example.com"}});
    REQUIRE(verdict.m_results.size() == 2);
    CHECK(verdict.m_results[1].m_result == "temperror");
    CHECK(verdict.m_results[1].m_reason == "ADSP record lookup failed: cancelled");
    CHECK(verdict.m_deadline_expired);
}
