// report_external_test.cpp - RFC 9990's external destination check (enma-report) with the
// real UnboundResolver against NSD: the records are fixture.py's REPORT_DESTINATION_RECORDS
// and the wildcard in signed.example.
#include <doctest/doctest.h>

#include "app/report/destination_check.hpp"
#include "tests/integration/fixture_env.hpp"

using enma::integration::FixtureEnv;
using enma::integration::Harness;
using enma::report::DestinationVerdict;

namespace {

DestinationVerdict check(Harness& h, std::string policy, std::string host) {
    return enma::coro::sync_wait(
        h.m_scheduler,
        enma::report::verify_destination(*h.m_resolver, std::move(policy), std::move(host)));
}

}  // namespace

TEST_CASE("external destinations are verified over real DNS") {
    const auto env = FixtureEnv::load();
    Harness h(env.forward_to(env.m_nsd_port));
    CHECK(check(h, "example.org", "plain.example") == DestinationVerdict::verified);
    CHECK(check(h, "example.net", "plain.example") == DestinationVerdict::refused);  // NXDOMAIN
    CHECK(check(h, "bad.example", "plain.example") == DestinationVerdict::refused);  // not DMARC1
    CHECK(check(h, "anything.example", "signed.example") == DestinationVerdict::verified);
    CHECK(check(h, "sub.plain.example", "plain.example") == DestinationVerdict::internal);
}

TEST_CASE("a destination whose server does not answer is left for a later run") {
    const auto env = FixtureEnv::load();
    auto options = env.forward_to(env.m_blackhole_port);
    options.m_query_timeout = std::chrono::milliseconds(300);
    Harness h(options);
    CHECK(check(h, "example.org", "plain.example") == DestinationVerdict::temporary);
}
