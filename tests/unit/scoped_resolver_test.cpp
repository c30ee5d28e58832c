// scoped_resolver_test.cpp - ScopedResolver over a ZoneResolver: the budget cap, DNSSEC
// stats, the trace, and cancellation by either the message's token or the caller's.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "coro/scheduler.hpp"
#include "coro/sync_wait.hpp"
#include "resolver/scoped_resolver.hpp"
#include "tests/support/zone_resolver.hpp"

using namespace std::chrono_literals;
using enma::coro::CancelSource;
using enma::coro::CancelToken;
using enma::coro::Scheduler;
using enma::coro::sync_wait;
using enma::coro::Task;
using enma::resolver::Answer;
using enma::resolver::DnsStatus;
using enma::resolver::QueryBudget;
using enma::resolver::Resolver;
using enma::resolver::RrType;
using enma::resolver::ScopedResolver;
using enma::resolver::Security;
using enma::resolver::ZoneResolver;

namespace {

struct Fixture {
    Fixture() {
        m_scheduler.start();
        m_zone.load(R"(
secure.test.    A   192.0.2.1
insecure.test.  A   192.0.2.2
bogus.test.     A   192.0.2.3
plain.test.     TXT "v=spf1 -all"
broken.test.    A   192.0.2.4
slow.test.      A   192.0.2.5
)");
        m_zone.set_security("secure.test", Security::secure);
        m_zone.set_security("insecure.test", Security::insecure);
        m_zone.set_security("bogus.test", Security::bogus);
        m_zone.set_servfail("broken.test");
        m_zone.set_delay("slow.test", 1s);
    }
    Answer ask(Resolver& resolver, std::string name, RrType type, CancelToken token = {}) {
        return sync_wait(m_scheduler, resolver.query(std::move(name), type, std::move(token)));
    }
    Scheduler m_scheduler{Scheduler::Options{true}};
    ZoneResolver m_zone{m_scheduler};
};

struct Traced {
    std::string m_name;
    RrType m_type;
    DnsStatus m_status;
};

struct Timed {
    Answer m_answer;
    long m_elapsed_ms = 0;
};

// cancel_during - ask for slow.test with `asked` as the caller's token while `fire` is
// cancelled 10 ms into the lookup.
Task<Timed> cancel_during(Scheduler& s, Resolver& resolver, CancelToken asked, CancelSource fire) {
    const auto start = s.now();
    s.add_timer(start + 10ms, [fire]() mutable { fire.request_cancel(); });
    Timed timed;
    timed.m_answer = co_await resolver.query("slow.test", RrType::a, asked);
    timed.m_elapsed_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(s.now() - start).count();
    co_return timed;
}

}  // namespace

TEST_CASE("the budget caps queries: the 4th of 3 is refused and never forwarded") {
    Fixture f;
    QueryBudget budget(3);
    ScopedResolver scoped(f.m_zone, budget);
    for (int i = 0; i < 3; ++i)
        CHECK(f.ask(scoped, "plain.test", RrType::txt).m_status == DnsStatus::noerror);
    const Answer refused = f.ask(scoped, "plain.test", RrType::txt);
    CHECK(refused.m_status == DnsStatus::budget);
    CHECK(refused.is_temporary());
    CHECK(refused.m_records.empty());
    CHECK(f.m_zone.query_count() == 3);
    CHECK(budget.used() == 3);
    CHECK(budget.refused() == 1);
    CHECK(scoped.stats().m_failures == 1);
    CHECK(scoped.stats().m_unchecked == 3);
}

TEST_CASE("stats count each answer's security once and temporary failures") {
    Fixture f;
    QueryBudget budget;
    ScopedResolver scoped(f.m_zone, budget);
    CHECK(f.ask(scoped, "secure.test", RrType::a).m_status == DnsStatus::noerror);
    CHECK(f.ask(scoped, "secure.test", RrType::txt).m_status == DnsStatus::nodata);
    CHECK(f.ask(scoped, "insecure.test", RrType::a).m_security == Security::insecure);
    CHECK(f.ask(scoped, "bogus.test", RrType::a).m_status == DnsStatus::servfail);
    CHECK(f.ask(scoped, "broken.test", RrType::a).m_status == DnsStatus::servfail);
    CHECK(f.ask(scoped, "nowhere.test", RrType::a).m_status == DnsStatus::nxdomain);
    const auto& stats = scoped.stats();
    CHECK(stats.m_secure == 2);
    CHECK(stats.m_insecure == 1);
    CHECK(stats.m_bogus == 1);
    CHECK(stats.m_unchecked == 2);
    CHECK(stats.m_failures == 2);  // bogus and servfail; NODATA and NXDOMAIN are answers
    CHECK(budget.used() == 6);
}

TEST_CASE("the trace sees every question and answer, refused ones included") {
    Fixture f;
    QueryBudget budget(2);
    std::vector<Traced> seen;
    ScopedResolver scoped(f.m_zone, budget, {},
                          [&seen](const std::string& name, RrType type, const Answer& answer) {
                              seen.push_back({name, type, answer.m_status});
                          });
    f.ask(scoped, "plain.test", RrType::txt);
    f.ask(scoped, "Nowhere.Test.", RrType::mx);
    f.ask(scoped, "plain.test", RrType::a);
    REQUIRE(seen.size() == 3);
    CHECK(seen[0].m_name == "plain.test");
    CHECK(seen[0].m_type == RrType::txt);
    CHECK(seen[0].m_status == DnsStatus::noerror);
    CHECK(seen[1].m_name == "Nowhere.Test.");
    CHECK(seen[1].m_type == RrType::mx);
    CHECK(seen[1].m_status == DnsStatus::nxdomain);
    CHECK(seen[2].m_status == DnsStatus::budget);
}

TEST_CASE("the message's token cancels a lookup in flight") {
    Fixture f;
    QueryBudget budget;
    CancelSource message;
    ScopedResolver scoped(f.m_zone, budget, message.token());
    const Timed timed = sync_wait(f.m_scheduler, cancel_during(f.m_scheduler, scoped, {}, message));
    CHECK(timed.m_answer.m_status == DnsStatus::cancelled);
    CHECK(timed.m_elapsed_ms == 10);
    CHECK(scoped.stats().m_failures == 1);
    CHECK(f.m_scheduler.pending_timers() == 0);
    // Once cancelled, every later query of the message is cancelled at once.
    CHECK(f.ask(scoped, "plain.test", RrType::txt).m_status == DnsStatus::cancelled);
}

TEST_CASE("either token cancels when both can") {
    Fixture f;
    QueryBudget budget;
    CancelSource message;
    ScopedResolver scoped(f.m_zone, budget, message.token());

    SUBCASE("the caller's token") {
        CancelSource caller;
        const Timed timed =
            sync_wait(f.m_scheduler, cancel_during(f.m_scheduler, scoped, caller.token(), caller));
        CHECK(timed.m_answer.m_status == DnsStatus::cancelled);
        CHECK(timed.m_elapsed_ms == 10);
        CHECK_FALSE(message.is_cancelled());
        // The message itself goes on: a later lookup answers normally.
        CHECK(f.ask(scoped, "plain.test", RrType::txt).m_status == DnsStatus::noerror);
    }
    SUBCASE("the message's token") {
        CancelSource caller;
        const Timed timed =
            sync_wait(f.m_scheduler, cancel_during(f.m_scheduler, scoped, caller.token(), message));
        CHECK(timed.m_answer.m_status == DnsStatus::cancelled);
        CHECK(timed.m_elapsed_ms == 10);
        CHECK_FALSE(caller.is_cancelled());
    }
    CHECK(f.m_scheduler.pending_timers() == 0);
}

TEST_CASE("a lookup that ends first leaves nothing registered on the tokens") {
    Fixture f;
    QueryBudget budget;
    CancelSource message;
    CancelSource caller;
    ScopedResolver scoped(f.m_zone, budget, message.token());
    const Answer answer = f.ask(scoped, "slow.test", RrType::a, caller.token());
    CHECK(answer.m_status == DnsStatus::noerror);
    CHECK(answer.addresses().size() == 1);
    // Cancelling afterwards must not reach the finished lookup's frame (ASan would see it).
    auto cancel_both = [](CancelSource a, CancelSource b) -> Task<void> {
        a.request_cancel();
        b.request_cancel();
        co_return;
    };
    sync_wait(f.m_scheduler, cancel_both(message, caller));
    CHECK(message.is_cancelled());
    CHECK(f.m_scheduler.pending_timers() == 0);
}
