// spf_check_host_test.cpp - check_host() over ZoneResolver: identities, limits, errors, and
// speculative prefetch (round trips counted on the scheduler's virtual clock).
#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <random>

#include "coro/scheduler.hpp"
#include "coro/sync_wait.hpp"
#include "resolver/query_budget.hpp"
#include "resolver/scoped_resolver.hpp"
#include "tests/support/zone_resolver.hpp"
#include "verify/spf/spf_check_host.hpp"

using namespace std::chrono_literals;
using enma::coro::CancelSource;
using enma::coro::Scheduler;
using enma::coro::sync_wait;
using enma::coro::Task;
using enma::resolver::IpAddress;
using enma::resolver::QueryBudget;
using enma::resolver::Resolver;
using enma::resolver::RrType;
using enma::resolver::ScopedResolver;
using enma::resolver::Security;
using enma::resolver::ZoneResolver;
using enma::spf::check_host;
using enma::spf::SpfIdentity;
using enma::spf::SpfInput;
using enma::spf::SpfLimits;
using enma::spf::SpfOutput;
using enma::spf::SpfResult;

namespace {

constexpr auto kRtt = 50ms;

struct Fixture {
    Fixture() : m_scheduler(Scheduler::Options{true}), m_zone(m_scheduler) {
        m_zone.set_default_delay(kRtt);
        m_scheduler.start();
    }
    void txt(std::string_view name, std::string text) { m_zone.add(name, RrType::txt, text); }
    void a(std::string_view name, std::string_view ip) {
        m_zone.add(name, RrType::a, *IpAddress::parse(ip));
    }

    struct Run {
        SpfOutput m_output;
        long m_round_trips = 0;
    };
    // run - check_host() on the loop; round trips = elapsed virtual time / 50 ms.
    Run run(const SpfInput& input, SpfLimits& limits, Resolver* resolver = nullptr) {
        auto body = [](Scheduler& s, Resolver& r, SpfInput in, SpfLimits& l) -> Task<Run> {
            const auto start = s.now();
            Run result;
            result.m_output = co_await check_host(r, in, l);
            result.m_round_trips = static_cast<long>((s.now() - start) / kRtt);
            co_return result;
        };
        return sync_wait(m_scheduler,
                         body(m_scheduler, resolver ? *resolver : m_zone, input, limits));
    }
    Run run(const SpfInput& input, bool prefetch = true) {
        SpfLimits limits;
        limits.m_prefetch = prefetch;
        return run(input, limits);
    }

    Scheduler m_scheduler;
    ZoneResolver m_zone;
};

SpfInput input_for(std::string mail_from, std::string ip = "192.0.2.99",
                   std::string helo = "mail.example.net") {
    SpfInput input;
    input.m_ip = *IpAddress::parse(ip);
    input.m_mail_from = std::move(mail_from);
    input.m_helo = std::move(helo);
    return input;
}

// An include tree of depth 3 needing 9 lookups in all (4 TXT, 1 MX, 4 A) when nothing
// matches: root -> {l1a -> {l2a}, l1b}.
void load_tree(Fixture& f) {
    f.txt("example.com", "v=spf1 include:l1a.example.com include:l1b.example.com -all");
    f.txt("l1a.example.com", "v=spf1 include:l2a.example.com a:h1.example.com");
    f.txt("l1b.example.com", "v=spf1 mx ip4:198.51.100.0/24");
    f.m_zone.add("l1b.example.com", RrType::mx, enma::resolver::MxRecord{10, "mx.example.com"});
    f.a("mx.example.com", "198.51.100.25");
    f.a("h1.example.com", "198.51.100.1");
    f.txt("l2a.example.com", "v=spf1 a:h2.example.com exists:h3.example.com");
    f.a("h2.example.com", "198.51.100.2");
}

}  // namespace

TEST_CASE("prefetch: an include tree of depth 3 with 9 lookups takes at most 4 round trips") {
    Fixture f;
    load_tree(f);
    const auto prefetched = f.run(input_for("user@example.com"), true);
    const std::size_t prefetch_queries = f.m_zone.query_count();
    const auto sequential = f.run(input_for("user@example.com"), false);
    CHECK(prefetched.m_output.m_result == SpfResult::fail);
    CHECK(sequential.m_output.m_result == SpfResult::fail);
    CHECK(prefetched.m_output.m_mechanism == "-all");
    CHECK(prefetch_queries == 9);
    CHECK(f.m_zone.query_count() == 18);
    CHECK(prefetched.m_round_trips <= 4);
    CHECK(prefetched.m_round_trips == 4);  // root; l1a l1b; l2a h1 mx; h2 h3 mx-host
    CHECK(sequential.m_round_trips == 9);
    CHECK(prefetched.m_output.m_dns_terms == sequential.m_output.m_dns_terms);
    CHECK(prefetched.m_output.m_dns_terms == 7);     // 2 include + include + a + mx + a + exists
    CHECK(prefetched.m_output.m_void_lookups == 1);  // exists:h3 is NXDOMAIN
}

TEST_CASE("prefetch: a failing lookup the evaluation never reaches changes nothing") {
    Fixture f;
    f.txt("example.com", "v=spf1 a:good.example.com exists:dead.example.com -all");
    f.a("good.example.com", "192.0.2.99");
    f.m_zone.set_no_answer("dead.example.com");
    const auto prefetched = f.run(input_for("user@example.com"), true);
    CHECK(prefetched.m_output.m_result == SpfResult::pass);
    CHECK(prefetched.m_output.m_mechanism == "a:good.example.com");
    CHECK(prefetched.m_round_trips == 2);  // the dead lookup was cancelled, not waited for
    const auto sequential = f.run(input_for("user@example.com"), false);
    CHECK(sequential.m_output.m_result == SpfResult::pass);
    // Reached, it is a temperror either way.
    const auto reached = f.run(input_for("user@example.com", "192.0.2.1"), true);
    CHECK(reached.m_output.m_result == SpfResult::temperror);
}

TEST_CASE("prefetch launches no more than the 10-term limit") {
    Fixture f;
    std::string record = "v=spf1";
    for (int i = 0; i < 15; ++i)
        record += " a:h" + std::to_string(i) + ".example.com";
    f.txt("example.com", record + " -all");
    const auto out = f.run(input_for("user@example.com"), true);
    CHECK(out.m_output.m_result == SpfResult::permerror);  // the 11th term
    CHECK(f.m_zone.query_count() == 11);                   // 1 TXT + 10 prefetched A
    CHECK(out.m_round_trips == 2);
}

TEST_CASE("null MAIL FROM is checked as postmaster@HELO; the HELO identity likewise") {
    Fixture f;
    f.txt("mail.example.net", "v=spf1 a -all");
    f.a("mail.example.net", "192.0.2.99");
    auto out = f.run(input_for("")).m_output;
    CHECK(out.m_result == SpfResult::pass);
    CHECK(out.m_sender == "postmaster@mail.example.net");
    CHECK(out.m_domain == "mail.example.net");
    auto helo = input_for("someone@elsewhere.example");
    helo.m_identity = SpfIdentity::helo;
    out = f.run(helo).m_output;
    CHECK(out.m_result == SpfResult::pass);
    CHECK(out.m_domain == "mail.example.net");
}

TEST_CASE("none for a missing or unusable domain; nxdomain and malformed are told apart") {
    Fixture f;
    f.txt("nospf.example.com", "hello");
    auto out = f.run(input_for("u@nospf.example.com")).m_output;
    CHECK(out.m_result == SpfResult::none);
    CHECK_FALSE(out.m_domain_nonexistent);
    out = f.run(input_for("u@missing.example.com")).m_output;
    CHECK(out.m_result == SpfResult::none);
    CHECK(out.m_domain_nonexistent);
    out = f.run(input_for("u@[192.0.2.1]")).m_output;
    CHECK(out.m_result == SpfResult::none);
    CHECK(out.m_domain_malformed);
    out = f.run(input_for("u@localhost")).m_output;
    CHECK(out.m_result == SpfResult::none);
    CHECK(out.m_domain_malformed);
}

TEST_CASE("limits: void lookups, MX names, and the account in SpfLimits") {
    Fixture f;
    f.txt("void.example.com", "v=spf1 a:x1.example.com a:x2.example.com a:x3.example.com +all");
    auto out = f.run(input_for("u@void.example.com")).m_output;
    CHECK(out.m_result == SpfResult::permerror);
    CHECK(out.m_mechanism == "a:x3.example.com");
    CHECK(out.m_void_lookups == 3);
    SpfLimits generous;
    generous.m_max_void_lookups = 3;
    out = f.run(input_for("u@void.example.com"), generous).m_output;
    CHECK(out.m_result == SpfResult::pass);
    CHECK(generous.m_dns_terms == 3);
    CHECK(generous.m_void_lookups == 3);
    out = f.run(input_for("u@void.example.com"), generous).m_output;
    CHECK(generous.m_dns_terms == 6);  // the account adds up across checks

    f.txt("mx.example.com", "v=spf1 mx -all");
    for (int i = 0; i < 11; ++i)
        f.m_zone.add("mx.example.com", RrType::mx,
                     enma::resolver::MxRecord{static_cast<std::uint16_t>(i), "m.example.com"});
    CHECK(f.run(input_for("u@mx.example.com")).m_output.m_result == SpfResult::permerror);
}

TEST_CASE("DNS failures are temperror: SERVFAIL, DNSSEC bogus, budget, cancellation") {
    Fixture f;
    f.txt("example.com", "v=spf1 a:broken.example.com -all");
    f.m_zone.set_servfail("broken.example.com");
    CHECK(f.run(input_for("u@example.com")).m_output.m_result == SpfResult::temperror);
    f.txt("bogus.example.com", "v=spf1 -all");
    f.m_zone.set_security("bogus.example.com", Security::bogus);
    auto out = f.run(input_for("u@bogus.example.com")).m_output;
    CHECK(out.m_result == SpfResult::temperror);
    CHECK(out.m_reason.find("bogus") != std::string::npos);

    QueryBudget budget(0);
    ScopedResolver scoped(f.m_zone, budget);
    SpfLimits limits;
    CHECK(f.run(input_for("u@example.com"), limits, &scoped).m_output.m_result ==
          SpfResult::temperror);
    CancelSource source;
    source.request_cancel();
    QueryBudget plenty;
    ScopedResolver cancelled(f.m_zone, plenty, source.token());
    CHECK(f.run(input_for("u@example.com"), limits, &cancelled).m_output.m_result ==
          SpfResult::temperror);
}

TEST_CASE("IPv6 clients use AAAA; IPv4-mapped clients are IPv4") {
    Fixture f;
    f.txt("example.com", "v=spf1 a/24//64 -all");
    f.m_zone.add("example.com", RrType::aaaa, *IpAddress::parse("2001:db8:1::1"));
    f.a("example.com", "192.0.2.1");
    CHECK(f.run(input_for("u@example.com", "2001:db8:1::ffff")).m_output.m_result ==
          SpfResult::pass);
    CHECK(f.run(input_for("u@example.com", "2001:db8:2::1")).m_output.m_result == SpfResult::fail);
    CHECK(f.run(input_for("u@example.com", "::ffff:192.0.2.200")).m_output.m_result ==
          SpfResult::pass);
}

TEST_CASE("exp= is fetched only on fail, expanded, and ignored inside include") {
    Fixture f;
    f.txt("example.com", "v=spf1 include:inc.example.com -all exp=why.example.com");
    f.txt("inc.example.com", "v=spf1 -all exp=other.example.com");
    f.txt("why.example.com", "%{i} is not one of %{d}'s servers (%{c}, at %{t})");
    f.txt("other.example.com", "wrong");
    auto input = input_for("u@example.com");
    input.m_clock = [] { return std::int64_t{42}; };
    const auto out = f.run(input).m_output;
    CHECK(out.m_result == SpfResult::fail);
    CHECK(out.m_explanation ==
          "192.0.2.99 is not one of example.com's servers (192.0.2.99, at 42)");
    f.txt("ok.example.com", "v=spf1 +all exp=why.example.com");
    const std::size_t before = f.m_zone.query_count();
    CHECK(f.run(input_for("u@ok.example.com")).m_output.m_explanation.empty());
    CHECK(f.m_zone.query_count() == before + 1);  // the record only
}

namespace {

// random_zone - a small random policy tree with faults, for comparing prefetch on and off.
void random_zone(Fixture& f, std::mt19937& random) {
    static const std::vector<std::string> kTerms = {"a:h0.example",
                                                    "a:h1.example",
                                                    "a:h2.example",
                                                    "mx:d1.example",
                                                    "mx:d2.example",
                                                    "include:d1.example",
                                                    "include:d2.example",
                                                    "include:d3.example",
                                                    "exists:h3.example",
                                                    "ip4:192.0.2.1",
                                                    "ptr:example",
                                                    "?all",
                                                    "-all",
                                                    "a",
                                                    "exists:%{i}.h0.example",
                                                    "include:missing.example"};
    for (int d = 0; d < 4; ++d) {
        std::string record = "v=spf1";
        const int terms = static_cast<int>(random() % 5);
        for (int t = 0; t < terms; ++t)
            record += " " + kTerms[random() % kTerms.size()];
        if (random() % 4 == 0)
            record += " redirect=d" + std::to_string(random() % 4) + ".example";
        const std::string name = "d" + std::to_string(d) + ".example";
        f.txt(name, record);
        f.m_zone.add(name, RrType::mx,
                     enma::resolver::MxRecord{10, "h" + std::to_string(random() % 4) + ".example"});
    }
    for (int h = 0; h < 4; ++h) {
        const std::string name = "h" + std::to_string(h) + ".example";
        const auto fate = random() % 6;
        if (fate == 0)
            f.m_zone.set_no_answer(name);
        if (fate == 1)
            f.m_zone.set_servfail(name);
        if (fate >= 3)
            f.a(name, "192.0.2." + std::to_string(random() % 3 + 1));
    }
    f.m_zone.add("2.2.0.192.in-addr.arpa", RrType::ptr, std::string("h2.example"));
}

}  // namespace

TEST_CASE("prefetch gives the sequential outcome on random policy trees with faults") {
    std::mt19937 random(7208);
    std::size_t faster = 0;
    std::map<SpfResult, int> seen;
    for (int round = 0; round < 150; ++round) {
        Fixture f;
        random_zone(f, random);
        for (const char* ip : {"192.0.2.1", "192.0.2.2", "198.51.100.1"}) {
            const auto on = f.run(input_for("u@d0.example", ip), true);
            const auto off = f.run(input_for("u@d0.example", ip), false);
            INFO("round " << round << " ip " << ip << ": " << off.m_output.m_reason);
            CHECK(on.m_output.m_result == off.m_output.m_result);
            CHECK(on.m_output.m_reason == off.m_output.m_reason);
            CHECK(on.m_output.m_mechanism == off.m_output.m_mechanism);
            CHECK(on.m_output.m_dns_terms == off.m_output.m_dns_terms);
            CHECK(on.m_output.m_void_lookups == off.m_output.m_void_lookups);
            CHECK(on.m_round_trips <= off.m_round_trips);
            faster += on.m_round_trips < off.m_round_trips;
            ++seen[off.m_output.m_result];
        }
    }
    // Not vacuous: prefetch saved round trips, and the trees reach five kinds of result.
    CHECK(faster > 100);
    CHECK(seen.size() == 5);  // neutral pass fail temperror permerror (d0 always has a
                              // record, and no generated term is "~")
}
