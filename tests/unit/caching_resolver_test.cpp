// caching_resolver_test.cpp - CachingResolver over a ZoneResolver (and a scripted resolver for
// negative answers with a TTL): hits, TTL expiry and countdown, what is never kept, DNSSEC
// states, cancelled tokens, and the size bound.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>

#include "coro/scheduler.hpp"
#include "coro/sync_wait.hpp"
#include "resolver/caching_resolver.hpp"
#include "tests/support/zone_resolver.hpp"

using namespace std::chrono_literals;
using enma::coro::CancelSource;
using enma::coro::CancelToken;
using enma::coro::Scheduler;
using enma::coro::sync_wait;
using enma::coro::Task;
using enma::resolver::Answer;
using enma::resolver::CachingResolver;
using enma::resolver::DnsStatus;
using enma::resolver::Resolver;
using enma::resolver::RrType;
using enma::resolver::Security;
using enma::resolver::ZoneResolver;

namespace {

// Scripted - answers every question with m_answer and counts the questions.
class Scripted : public Resolver {
public:
    Answer m_answer;
    int m_calls = 0;

protected:
    Task<Answer> do_query(std::string, RrType, CancelToken) override {
        ++m_calls;
        co_return m_answer;
    }
};

struct Fixture {
    Fixture() {
        m_scheduler.start();
        m_zone->load(R"(
$TTL 300
plain.test.     TXT "v=spf1 -all"
plain.test.     A   192.0.2.1
secure.test.    A   192.0.2.2
bogus.test.     A   192.0.2.3
broken.test.    A   192.0.2.4
quiet.test.     A   192.0.2.5
short.test. 1   A   192.0.2.6
)");
        m_zone->set_security("secure.test", Security::secure);
        m_zone->set_security("bogus.test", Security::bogus);
        m_zone->set_servfail("broken.test");
        m_zone->set_no_answer("quiet.test");
    }
    Answer ask(Resolver& resolver, std::string name, RrType type, CancelToken token = {}) {
        return sync_wait(m_scheduler, resolver.query(std::move(name), type, std::move(token)));
    }
    void pass(Scheduler::Duration delay) { sync_wait(m_scheduler, m_scheduler.sleep_for(delay)); }

    Scheduler m_scheduler{Scheduler::Options{true}};
    std::shared_ptr<ZoneResolver> m_zone = std::make_shared<ZoneResolver>(m_scheduler);
    CachingResolver m_cache{m_scheduler, m_zone};
};

}  // namespace

TEST_CASE("a repeated question is answered from the cache with the same answer") {
    Fixture f;
    const Answer first = f.ask(f.m_cache, "plain.test", RrType::txt);
    const Answer second = f.ask(f.m_cache, "plain.test", RrType::txt);
    CHECK(f.m_zone->query_count() == 1);
    CHECK(f.m_cache.hits() == 1);
    CHECK(second.m_status == DnsStatus::noerror);
    CHECK(second.m_records == first.m_records);
    CHECK(second.m_canonical_name == first.m_canonical_name);
    CHECK(second.m_ttl == 300);
    // Another type or another spelling is another question.
    CHECK(f.ask(f.m_cache, "plain.test", RrType::a).m_status == DnsStatus::noerror);
    CHECK(f.ask(f.m_cache, "PLAIN.test", RrType::txt).m_canonical_name == "PLAIN.test");
    CHECK(f.m_zone->query_count() == 3);
}

TEST_CASE("the TTL counts down and an expired answer is asked again") {
    Fixture f;
    f.ask(f.m_cache, "plain.test", RrType::txt);
    f.pass(100s);
    CHECK(f.ask(f.m_cache, "plain.test", RrType::txt).m_ttl == 200);
    CHECK(f.m_zone->query_count() == 1);
    f.pass(200s);
    CHECK(f.ask(f.m_cache, "plain.test", RrType::txt).m_ttl == 300);
    CHECK(f.m_zone->query_count() == 2);
    f.ask(f.m_cache, "short.test", RrType::a);
    f.pass(1s);
    f.ask(f.m_cache, "short.test", RrType::a);
    CHECK(f.m_zone->query_count() == 4);
}

TEST_CASE("failures, bogus answers and answers without a TTL are never kept") {
    Fixture f;
    for (int i = 0; i < 2; ++i) {
        CHECK(f.ask(f.m_cache, "broken.test", RrType::a).m_status == DnsStatus::servfail);
        const Answer bogus = f.ask(f.m_cache, "bogus.test", RrType::a);
        CHECK(bogus.m_status == DnsStatus::servfail);
        CHECK(bogus.m_security == Security::bogus);
        CHECK(f.ask(f.m_cache, "quiet.test", RrType::a).m_status == DnsStatus::timeout);
        // ZoneResolver's negative answers carry TTL 0: nothing to keep them for.
        CHECK(f.ask(f.m_cache, "nowhere.test", RrType::a).m_status == DnsStatus::nxdomain);
    }
    CHECK(f.m_zone->query_count() == 8);
    CHECK(f.m_cache.size() == 0);
}

TEST_CASE("the DNSSEC state is kept with the answer") {
    Fixture f;
    f.ask(f.m_cache, "secure.test", RrType::a);
    const Answer cached = f.ask(f.m_cache, "secure.test", RrType::a);
    CHECK(f.m_zone->query_count() == 1);
    CHECK(cached.m_security == Security::secure);
    CHECK(cached.has_data());
}

TEST_CASE("NXDOMAIN and NODATA with a negative TTL are kept; other failures are not") {
    Fixture f;
    auto scripted = std::make_shared<Scripted>();
    CachingResolver cache(f.m_scheduler, scripted);
    for (const auto status : {DnsStatus::nxdomain, DnsStatus::nodata}) {
        scripted->m_answer = Answer::failure(status);
        scripted->m_answer.m_ttl = 60;
        const std::string name = status == DnsStatus::nxdomain ? "a.test" : "b.test";
        f.ask(cache, name, RrType::txt);
        CHECK(f.ask(cache, name, RrType::txt).m_status == status);
    }
    CHECK(scripted->m_calls == 2);
    for (const auto status : {DnsStatus::servfail, DnsStatus::refused, DnsStatus::error,
                              DnsStatus::timeout, DnsStatus::cancelled, DnsStatus::budget}) {
        scripted->m_answer = Answer::failure(status);
        scripted->m_answer.m_ttl = 60;
        f.ask(cache, "c.test", RrType::txt);
        CHECK(f.ask(cache, "c.test", RrType::txt).m_status == status);
    }
    CHECK(scripted->m_calls == 14);
}

TEST_CASE("a cancelled token is never answered from the cache") {
    Fixture f;
    f.ask(f.m_cache, "plain.test", RrType::txt);
    CancelSource source;
    source.request_cancel();
    CHECK(f.ask(f.m_cache, "plain.test", RrType::txt, source.token()).m_status ==
          DnsStatus::cancelled);
    CHECK(f.ask(f.m_cache, "plain.test", RrType::txt).m_status == DnsStatus::noerror);
    CHECK(f.m_cache.hits() == 1);
}

TEST_CASE("the least recently used answer goes first when the cache is full") {
    Fixture f;
    CachingResolver sizer(f.m_scheduler, f.m_zone);
    f.ask(sizer, "plain.test", RrType::txt);
    f.ask(sizer, "plain.test", RrType::a);
    // Room for two of these answers, not three.
    CachingResolver cache(f.m_scheduler, f.m_zone, sizer.bytes() + 10);
    f.ask(cache, "plain.test", RrType::txt);
    f.ask(cache, "plain.test", RrType::a);
    f.ask(cache, "plain.test", RrType::txt);  // hit: A is now the oldest
    f.ask(cache, "secure.test", RrType::a);   // evicts plain.test A
    CHECK(cache.size() == 2);
    f.ask(cache, "plain.test", RrType::txt);  // still there
    CHECK(f.m_zone->query_count() == 5);      // two by the sizer
    f.ask(cache, "plain.test", RrType::a);    // asked again
    CHECK(f.m_zone->query_count() == 6);
}

TEST_CASE("the cache is bounded in bytes: 60 KB answers cannot multiply its memory (issue 13)") {
    Fixture f;
    auto scripted = std::make_shared<Scripted>();
    scripted->m_answer.m_status = DnsStatus::noerror;
    scripted->m_answer.m_ttl = 300;
    scripted->m_answer.m_records = {std::string(60'000, 't')};
    constexpr std::size_t kCapacity = 256 * 1024;
    CachingResolver cache(f.m_scheduler, scripted, kCapacity);
    for (int i = 0; i < 100; ++i) {
        f.ask(cache, "n" + std::to_string(i) + ".test", RrType::txt);
        CHECK(cache.bytes() <= kCapacity);
    }
    CHECK(cache.size() == 4);  // 4 x 60 KB fit in 256 KiB, 5 do not
    CHECK(cache.bytes() > 4 * 60'000);
    f.ask(cache, "n99.test", RrType::txt);  // the most recent ones are kept
    f.ask(cache, "n96.test", RrType::txt);
    CHECK(scripted->m_calls == 100);
    f.ask(cache, "n95.test", RrType::txt);  // evicted
    CHECK(scripted->m_calls == 101);
    // An answer larger than the whole cache is never kept.
    CachingResolver tiny(f.m_scheduler, scripted, 1000);
    f.ask(tiny, "big.test", RrType::txt);
    CHECK(tiny.size() == 0);
    CHECK(tiny.bytes() == 0);
}

TEST_CASE("the stats count hits, misses and each miss's latency in its bucket") {
    Fixture f;
    auto stats = std::make_shared<enma::resolver::ResolverStats>();
    CachingResolver cache{f.m_scheduler, f.m_zone, CachingResolver::kDefaultCapacityBytes, stats};
    f.m_zone->set_default_delay(30ms);  // virtual time: exact latencies
    f.m_zone->set_delay("secure.test", 2s);
    f.ask(cache, "plain.test", RrType::txt);  // miss, 30 ms
    f.ask(cache, "plain.test", RrType::txt);  // hit
    f.ask(cache, "broken.test", RrType::a);   // miss (SERVFAIL, never kept), 30 ms
    f.ask(cache, "broken.test", RrType::a);   // miss again, 30 ms
    f.ask(cache, "secure.test", RrType::a);   // miss, 2 s
    CHECK(stats->m_hits.load() == 1);
    CHECK(stats->m_misses.load() == 4);
    CHECK(&cache.stats() == stats.get());
    const auto& bounds = enma::resolver::ResolverStats::kLatencyBounds;
    for (std::size_t i = 0; i <= bounds.size(); ++i) {
        const bool in_30ms = i < bounds.size() && bounds[i] == 0.05;  // 25 ms < 30 ms <= 50 ms
        const bool in_2s = i < bounds.size() && bounds[i] == 5;       // 1 s < 2 s <= 5 s
        CAPTURE(i);
        CHECK(stats->m_buckets[i].load() == (in_30ms ? 3u : in_2s ? 1u : 0u));
    }
    CHECK(stats->m_latency_ns.load() == 2'090'000'000u);
}

TEST_CASE("a cache without stats given counts into its own") {
    Fixture f;
    f.ask(f.m_cache, "plain.test", RrType::a);
    f.ask(f.m_cache, "plain.test", RrType::a);
    CHECK(f.m_cache.stats().m_hits.load() == 1);
    CHECK(f.m_cache.stats().m_misses.load() == 1);
}
