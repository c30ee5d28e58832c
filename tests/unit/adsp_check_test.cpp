// adsp_check_test.cpp - check_adsp() over ZoneResolver: every RFC 5617 5.4 result, the
// author-signature short-cut, and the two lookups running together.
#include <doctest/doctest.h>

#include <chrono>

#include "coro/scheduler.hpp"
#include "coro/sync_wait.hpp"
#include "tests/support/zone_resolver.hpp"
#include "verify/adsp/adsp_check.hpp"

using namespace std::chrono_literals;
using enma::adsp::AdspInput;
using enma::adsp::AdspOutput;
using enma::adsp::AdspPractice;
using enma::adsp::AdspResult;
using enma::adsp::check_adsp;
using enma::coro::Scheduler;
using enma::coro::sync_wait;
using enma::coro::Task;
using enma::dkim::DkimResult;
using enma::dkim::DkimResultCode;
using enma::resolver::MxRecord;
using enma::resolver::RrType;
using enma::resolver::Security;
using enma::resolver::ZoneResolver;

namespace {

constexpr auto kRtt = 50ms;

struct Fixture {
    Fixture() : m_scheduler(Scheduler::Options{true}), m_zone(m_scheduler) {
        m_zone.set_default_delay(kRtt);
        m_zone.load(R"(
$ORIGIN example.
$TTL 300
unknown           MX  10 mx.unknown
_adsp._domainkey.unknown  TXT "dkim=unknown"
all               MX  10 mx.all
_adsp._domainkey.all      TXT "dkim=all"
discard           MX  10 mx.discard
_adsp._domainkey.discard  TXT "dkim=" "discardable"
norecord          MX  10 mx.norecord
nomx              A   192.0.2.1
_adsp._domainkey.nomx     TXT "dkim=all"
twice             MX  10 mx.twice
_adsp._domainkey.twice    TXT "dkim=all"
_adsp._domainkey.twice    TXT "dkim=discardable"
malformed         MX  10 mx.malformed
_adsp._domainkey.malformed TXT "t=y; dkim=all"
servfail          MX  10 mx.servfail
_adsp._domainkey.servfail TXT "dkim=all"
scopefail         MX  10 mx.scopefail
_adsp._domainkey.scopefail TXT "dkim=all"
)");
        m_zone.set_servfail("_adsp._domainkey.servfail.example");
        m_zone.set_servfail("scopefail.example");
        m_scheduler.start();
    }

    struct Run {
        AdspOutput m_output;
        long m_round_trips = 0;
    };

    Run run(std::string domain, std::vector<DkimResult> dkim = {}) {
        auto body = [](Scheduler& s, ZoneResolver& r, AdspInput in) -> Task<Run> {
            const auto start = s.now();
            Run run;
            run.m_output = co_await check_adsp(r, std::move(in));
            run.m_round_trips = static_cast<long>((s.now() - start) / kRtt);
            co_return run;
        };
        AdspInput input{std::move(domain), std::move(dkim)};
        return sync_wait(m_scheduler, body(m_scheduler, m_zone, std::move(input)));
    }

    Scheduler m_scheduler;
    ZoneResolver m_zone;
};

DkimResult signature(DkimResultCode code, std::string domain) {
    DkimResult result;
    result.m_code = code;
    result.m_domain = std::move(domain);
    return result;
}

}  // namespace

TEST_CASE("a valid author domain signature passes without any lookup") {
    Fixture f;
    const auto run = f.run("all.example", {signature(DkimResultCode::fail, "all.example"),
                                           signature(DkimResultCode::pass, "ALL.Example")});
    CHECK(run.m_output.m_result == AdspResult::pass);
    CHECK(run.m_output.m_reason.empty());
    CHECK_FALSE(run.m_output.m_policy);
    CHECK(f.m_zone.query_count() == 0);
}

TEST_CASE("a third-party or failed signature does not count") {
    Fixture f;
    const auto run = f.run("all.example", {signature(DkimResultCode::pass, "other.example"),
                                           signature(DkimResultCode::fail, "all.example")});
    CHECK(run.m_output.m_result == AdspResult::fail);
    REQUIRE(run.m_output.m_policy);
    CHECK(*run.m_output.m_policy == AdspPractice::all);
    CHECK(run.m_output.m_reason == "no valid author domain signature; dkim=all");
}

TEST_CASE("both lookups fly together: one round trip") {
    Fixture f;
    const auto run = f.run("discard.example");
    CHECK(run.m_output.m_result == AdspResult::discard);
    CHECK(run.m_round_trips == 1);
    REQUIRE(f.m_zone.questions().size() == 2);
    CHECK(f.m_zone.questions()[0].m_name == "discard.example");
    CHECK(f.m_zone.questions()[0].m_type == RrType::mx);
    CHECK(f.m_zone.questions()[1].m_name == "_adsp._domainkey.discard.example");
    CHECK(f.m_zone.questions()[1].m_type == RrType::txt);
}

TEST_CASE("each result of RFC 5617 5.4") {
    Fixture f;
    struct Case {
        const char* m_domain;
        AdspResult m_result;
        const char* m_reason;
    };
    for (const Case& c : {
             Case{"unknown.example", AdspResult::unknown,
                  "no valid author domain signature; dkim=unknown"},
             Case{"all.example", AdspResult::fail, "no valid author domain signature; dkim=all"},
             Case{"discard.example", AdspResult::discard,
                  "no valid author domain signature; dkim=discardable"},
             Case{"norecord.example", AdspResult::none, "no ADSP record"},
             Case{"nomx.example", AdspResult::fail, "no valid author domain signature; dkim=all"},
             Case{"absent.example", AdspResult::nxdomain, "author domain does not exist"},
             Case{"twice.example", AdspResult::permerror, "multiple ADSP records"},
             Case{"malformed.example", AdspResult::none,
                  "malformed ADSP record ignored: record does not start with dkim="},
             Case{"servfail.example", AdspResult::temperror, "ADSP record lookup failed: servfail"},
             Case{"scopefail.example", AdspResult::temperror,
                  "author domain lookup failed: servfail"},
             Case{"", AdspResult::permerror, "invalid author domain"},
         }) {
        CAPTURE(c.m_domain);
        const auto run = f.run(c.m_domain);
        CHECK(to_string(run.m_output.m_result) == to_string(c.m_result));
        CHECK(run.m_output.m_reason == c.m_reason);
    }
}

TEST_CASE("DNSSEC: the record's security is reported, a bogus one is temperror") {
    Fixture f;
    f.m_zone.set_security("all.example", Security::secure);
    CHECK(f.run("all.example").m_output.m_security == Security::secure);
    Fixture g;
    g.m_zone.set_security("_adsp._domainkey.discard.example", Security::bogus);
    const auto run = g.run("discard.example");
    CHECK(run.m_output.m_result == AdspResult::temperror);
    CHECK(run.m_output.m_reason == "ADSP record lookup failed: DNSSEC bogus");
}

TEST_CASE("an ADSP name too long to exist is none, after the domain check") {
    Fixture f;
    const std::string label(63, 'a');
    const std::string domain = label + "." + label + "." + label + "." + std::string(50, 'b') +
                               ".example";  // 250 octets: the ADSP name would be 267
    f.m_zone.add(domain, RrType::mx, MxRecord{10, "mx.example"});
    const auto run = f.run(domain);
    CHECK(run.m_output.m_result == AdspResult::none);
    CHECK(run.m_output.m_reason == "no ADSP record");
    CHECK(f.m_zone.query_count() == 1);
    CHECK(f.run(std::string(50, 'c') + "." + domain).m_output.m_result == AdspResult::permerror);
}

TEST_CASE("result words") {
    CHECK(to_string(AdspResult::none) == "none");
    CHECK(to_string(AdspResult::pass) == "pass");
    CHECK(to_string(AdspResult::unknown) == "unknown");
    CHECK(to_string(AdspResult::fail) == "fail");
    CHECK(to_string(AdspResult::discard) == "discard");
    CHECK(to_string(AdspResult::nxdomain) == "nxdomain");
    CHECK(to_string(AdspResult::temperror) == "temperror");
    CHECK(to_string(AdspResult::permerror) == "permerror");
}
