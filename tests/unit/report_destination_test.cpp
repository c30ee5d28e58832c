// report_destination_test.cpp - RFC 9990's external destination check over ZoneResolver
// (tests/integration/report_external_test.cpp runs it with UnboundResolver against NSD).
#include <doctest/doctest.h>

#include "app/report/destination_check.hpp"
#include "coro/scheduler.hpp"
#include "coro/sync_wait.hpp"
#include "tests/support/zone_resolver.hpp"

using namespace enma;
using report::DestinationVerdict;

namespace {

DestinationVerdict check(resolver::ZoneResolver& zone, coro::Scheduler& scheduler,
                         std::string policy, std::string host) {
    return coro::sync_wait(scheduler,
                           report::verify_destination(zone, std::move(policy), std::move(host)));
}

}  // namespace

TEST_CASE("hosts in the policy domain's tree need no lookup") {
    CHECK_FALSE(report::is_external("example.com", "example.com"));
    CHECK_FALSE(report::is_external("example.com", "reports.example.com"));
    CHECK_FALSE(report::is_external("mail.example.com", "example.com"));
    CHECK(report::is_external("example.com", "notexample.com"));
    CHECK(report::is_external("example.com", "example.net"));
}

TEST_CASE("the TXT record must start with v=DMARC1") {
    CHECK(report::authorises("v=DMARC1"));
    CHECK(report::authorises("v=DMARC1;"));
    CHECK(report::authorises(" v = DMARC1 ; rua=mailto:x@y.example"));
    CHECK_FALSE(report::authorises("v=DMARC1x"));
    CHECK_FALSE(report::authorises("rua=mailto:x@y.example; v=DMARC1"));
    CHECK_FALSE(report::authorises("v=spf1 -all"));
    CHECK_FALSE(report::authorises(""));
}

TEST_CASE("external destinations are verified, refused or left for later") {
    coro::Scheduler scheduler;
    scheduler.start();
    resolver::ZoneResolver zone(scheduler);
    zone.add("example.com._report._dmarc.reports.example.net", resolver::RrType::txt,
             std::string("v=DMARC1"));
    zone.add("*._report._dmarc.any.example", resolver::RrType::txt, std::string("v=DMARC1;"));
    zone.add("example.com._report._dmarc.wrong.example", resolver::RrType::txt,
             std::string("v=spf1 -all"));
    zone.set_servfail("example.com._report._dmarc.broken.example");
    CHECK(check(zone, scheduler, "example.com", "reports.example.com") ==
          DestinationVerdict::internal);
    CHECK(check(zone, scheduler, "example.com", "reports.example.net") ==
          DestinationVerdict::verified);
    CHECK(check(zone, scheduler, "example.com", "any.example") == DestinationVerdict::verified);
    CHECK(check(zone, scheduler, "example.com", "wrong.example") == DestinationVerdict::refused);
    CHECK(check(zone, scheduler, "example.com", "nothing.example") == DestinationVerdict::refused);
    CHECK(check(zone, scheduler, "example.com", "broken.example") == DestinationVerdict::temporary);
    CHECK(check(zone, scheduler, std::string(200, 'a') + ".example",
                std::string(60, 'b') + ".example") == DestinationVerdict::refused);
    scheduler.stop();
}
