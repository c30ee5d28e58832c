// spf_dns_test.cpp - SpfDns: one query per question when sharing, launched work, and finish()
// cancelling and joining what is still in flight.
#include <doctest/doctest.h>

#include <chrono>

#include "coro/scheduler.hpp"
#include "coro/sync_wait.hpp"
#include "coro/when_all.hpp"
#include "tests/support/zone_resolver.hpp"
#include "verify/spf/spf_dns.hpp"

using namespace std::chrono_literals;
using enma::coro::Scheduler;
using enma::coro::sync_wait;
using enma::coro::Task;
using enma::coro::when_all;
using enma::resolver::Answer;
using enma::resolver::DnsStatus;
using enma::resolver::IpAddress;
using enma::resolver::RrType;
using enma::resolver::ZoneResolver;
using enma::spf::SpfDns;

namespace {

struct Fixture {
    Fixture() : m_scheduler(Scheduler::Options{true}), m_zone(m_scheduler) {
        m_zone.set_default_delay(50ms);
        m_zone.add("a.example", RrType::a, *IpAddress::parse("192.0.2.1"));
        m_zone.set_no_answer("dead.example");
        m_scheduler.start();
    }
    Scheduler m_scheduler;
    ZoneResolver m_zone;
};

}  // namespace

TEST_CASE("sharing: concurrent and later fetches of one question send one query") {
    Fixture f;
    auto body = [](ZoneResolver& zone) -> Task<std::size_t> {
        SpfDns dns(zone, true);
        std::vector<Task<Answer>> fetches;
        fetches.push_back(dns.fetch("a.example", RrType::a));
        fetches.push_back(dns.fetch("A.EXAMPLE.", RrType::a));
        fetches.push_back(dns.fetch("a.example", RrType::aaaa));
        const auto answers = co_await when_all(std::move(fetches));
        const Answer again = co_await dns.fetch("a.example", RrType::a);
        co_await dns.finish();
        CHECK(answers[0].addresses() == answers[1].addresses());
        CHECK(answers[1].addresses().size() == 1);
        CHECK(answers[2].m_status == DnsStatus::nodata);
        CHECK(again.has_data());
        co_return dns.queries_sent();
    };
    CHECK(sync_wait(f.m_scheduler, body(f.m_zone)) == 2);
    CHECK(f.m_zone.query_count() == 2);
}

TEST_CASE("without sharing every fetch is a query") {
    Fixture f;
    auto body = [](ZoneResolver& zone) -> Task<void> {
        SpfDns dns(zone, false);
        co_await dns.fetch("a.example", RrType::a);
        co_await dns.fetch("a.example", RrType::a);
        co_await dns.finish();
    };
    sync_wait(f.m_scheduler, body(f.m_zone));
    CHECK(f.m_zone.query_count() == 2);
}

TEST_CASE("finish cancels launched lookups still in flight and waits for them") {
    Fixture f;
    auto body = [](Scheduler& s, ZoneResolver& zone) -> Task<long> {
        const auto start = s.now();
        SpfDns dns(zone, true);
        dns.launch([](SpfDns& d) -> Task<void> {
            const Answer answer = co_await d.fetch("dead.example", RrType::a);
            CHECK(answer.m_status == DnsStatus::cancelled);
        }(dns));
        const Answer answer = co_await dns.fetch("a.example", RrType::a);
        CHECK(answer.has_data());
        co_await dns.finish();
        dns.launch([]() -> Task<void> {
            FAIL("launched after finish");
            co_return;
        }());
        co_return static_cast<long>((s.now() - start) / 50ms);
    };
    CHECK(sync_wait(f.m_scheduler, body(f.m_scheduler, f.m_zone)) == 1);  // not the 5 s timeout
}
