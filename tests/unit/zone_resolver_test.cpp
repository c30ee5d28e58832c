// zone_resolver_test.cpp - ZoneResolver: each DNS outcome, CNAMEs, wildcards, security, and
// delays, timeouts and cancellation measured on the scheduler's virtual clock.
#include <doctest/doctest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "coro/scheduler.hpp"
#include "coro/sync_wait.hpp"
#include "coro/when_all.hpp"
#include "tests/support/zone_resolver.hpp"

using namespace std::chrono_literals;
using enma::coro::CancelSource;
using enma::coro::CancelToken;
using enma::coro::Scheduler;
using enma::coro::sync_wait;
using enma::coro::Task;
using enma::coro::when_all;
using enma::resolver::Answer;
using enma::resolver::DnsStatus;
using enma::resolver::IpAddress;
using enma::resolver::MxRecord;
using enma::resolver::RecordData;
using enma::resolver::RrType;
using enma::resolver::Security;
using enma::resolver::ZoneResolver;

namespace {

constexpr const char* kZone = R"(
$ORIGIN example.com.
$TTL 300
@           IN  A     192.0.2.1
            IN  A     192.0.2.2
            600 IN MX 10 mail
            IN  MX    20 mx.other.test.
            IN  TXT   "v=spf1 " "-all"
mail    60  IN  A     192.0.2.25
mail        IN  AAAA  2001:db8::25
www         IN  CNAME mail
alias       IN  CNAME www.example.com.
dangling    IN  CNAME nowhere
loop1       IN  CNAME loop2
loop2       IN  CNAME loop1
a.b.c       IN  TXT   "deep"
*.wild      IN  TXT   "wildcard"
host.wild   IN  A     192.0.2.80
x.ent.wild  IN  TXT   "below an empty non-terminal"
)";

// Fixture - a virtual-time scheduler running on its own thread, and a loaded zone.
struct Fixture {
    Fixture() {
        m_scheduler.start();
        m_zone.load(kZone);
    }
    Answer ask(std::string name, RrType type, CancelToken token = {}) {
        return sync_wait(m_scheduler, m_zone.query(std::move(name), type, std::move(token)));
    }
    Scheduler m_scheduler{Scheduler::Options{true}};
    ZoneResolver m_zone{m_scheduler};
};

IpAddress ip(const char* text) {
    return *IpAddress::parse(text);
}

std::vector<RecordData> addresses(std::initializer_list<const char*> texts) {
    std::vector<RecordData> out;
    for (const char* text : texts)
        out.emplace_back(ip(text));
    return out;
}

// Timed - an answer and the virtual time its lookup(s) took.
struct Timed {
    std::vector<Answer> m_answers;
    long m_elapsed_ms = 0;
};

long ms_since(Scheduler& s, Scheduler::TimePoint start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(s.now() - start).count();
}

Task<Timed> parallel(Scheduler& s, ZoneResolver& zone, std::vector<std::string> names) {
    const auto start = s.now();
    std::vector<Task<Answer>> tasks;
    for (auto& name : names)
        tasks.push_back(zone.query(name, RrType::a));
    // Not `Timed timed{co_await ...}`: GCC 12 destroys a co_await temporary twice in braces.
    Timed timed;
    timed.m_answers = co_await when_all(std::move(tasks));
    timed.m_elapsed_ms = ms_since(s, start);
    co_return timed;
}

Task<Timed> sequence(Scheduler& s, ZoneResolver& zone, std::vector<std::string> names) {
    const auto start = s.now();
    Timed timed;
    for (auto& name : names)
        timed.m_answers.push_back(co_await zone.query(name, RrType::a));
    timed.m_elapsed_ms = ms_since(s, start);
    co_return timed;
}

// cancelled_after - one lookup, with its token cancelled by a timer `after` from now.
Task<Timed> cancelled_after(Scheduler& s, ZoneResolver& zone, std::string name,
                            Scheduler::Duration after) {
    const auto start = s.now();
    CancelSource source;
    s.add_timer(start + after, [source]() mutable { source.request_cancel(); });
    Timed timed;
    timed.m_answers.push_back(co_await zone.query(name, RrType::a, source.token()));
    timed.m_elapsed_ms = ms_since(s, start);
    co_return timed;
}

}  // namespace

TEST_CASE("records of the asked type come back with the smallest TTL") {
    Fixture f;
    const Answer apex = f.ask("example.com", RrType::a);
    CHECK(apex.m_status == DnsStatus::noerror);
    CHECK(apex.m_records == addresses({"192.0.2.1", "192.0.2.2"}));
    CHECK(apex.m_ttl == 300);
    CHECK(apex.m_canonical_name == "example.com");
    CHECK(apex.m_security == Security::unchecked);

    const Answer mx = f.ask("example.com", RrType::mx);
    CHECK(mx.mx() == std::vector<MxRecord>{{10, "mail.example.com"}, {20, "mx.other.test"}});
    CHECK(mx.m_ttl == 300);  // min(600, 300)
    CHECK(f.ask("example.com", RrType::txt).texts() == std::vector<std::string>{"v=spf1 -all"});
    CHECK(f.ask("mail.example.com", RrType::a).m_ttl == 60);
    CHECK(f.ask("mail.example.com", RrType::aaaa).m_records == addresses({"2001:db8::25"}));
}

TEST_CASE("absent names are NXDOMAIN, other types NODATA, empty non-terminals NODATA") {
    Fixture f;
    CHECK(f.ask("nope.example.com", RrType::a).m_status == DnsStatus::nxdomain);
    CHECK(f.ask("example.org", RrType::a).m_status == DnsStatus::nxdomain);
    const Answer nodata = f.ask("mail.example.com", RrType::txt);
    CHECK(nodata.m_status == DnsStatus::nodata);
    CHECK(nodata.m_records.empty());
    CHECK(nodata.does_not_exist());
    // b.c.example.com and c.example.com own nothing but a.b.c.example.com exists (RFC 8020).
    CHECK(f.ask("b.c.example.com", RrType::txt).m_status == DnsStatus::nodata);
    CHECK(f.ask("c.example.com", RrType::a).m_status == DnsStatus::nodata);
    CHECK(f.ask("com", RrType::a).m_status == DnsStatus::nodata);
    CHECK(f.ask("z.a.b.c.example.com", RrType::txt).m_status == DnsStatus::nxdomain);
}

TEST_CASE("names match case-insensitively and questions are recorded lower-cased") {
    Fixture f;
    const Answer answer = f.ask("MAIL.Example.COM.", RrType::a);
    CHECK(answer.m_status == DnsStatus::noerror);
    CHECK(answer.m_records == addresses({"192.0.2.25"}));
    CHECK(answer.m_canonical_name == "MAIL.Example.COM");  // as asked, dot dropped
    f.ask("Nope.Example.Com", RrType::txt);
    REQUIRE(f.m_zone.query_count() == 2);
    CHECK(f.m_zone.questions()[0] == ZoneResolver::Question{"mail.example.com", RrType::a});
    CHECK(f.m_zone.questions()[1] == ZoneResolver::Question{"nope.example.com", RrType::txt});
}

TEST_CASE("invalid names are answered with error and still counted") {
    Fixture f;
    CHECK(f.ask("a..example.com", RrType::a).m_status == DnsStatus::error);
    CHECK(f.ask("", RrType::a).m_status == DnsStatus::error);
    CHECK(f.ask(std::string(64, 'x') + ".example.com", RrType::a).m_status == DnsStatus::error);
    CHECK(f.m_zone.query_count() == 3);
}

TEST_CASE("CNAMEs are followed and the canonical name reported") {
    Fixture f;
    const Answer www = f.ask("www.example.com", RrType::a);
    CHECK(www.m_status == DnsStatus::noerror);
    CHECK(www.m_records == addresses({"192.0.2.25"}));
    CHECK(www.m_canonical_name == "mail.example.com");
    const Answer alias = f.ask("alias.example.com", RrType::aaaa);  // two hops
    CHECK(alias.m_records == addresses({"2001:db8::25"}));
    CHECK(alias.m_canonical_name == "mail.example.com");
    CHECK(f.ask("www.example.com", RrType::txt).m_status == DnsStatus::nodata);
    // Asking for the CNAME itself does not follow it.
    const Answer cname = f.ask("alias.example.com", RrType::cname);
    CHECK(cname.texts() == std::vector<std::string>{"www.example.com"});
    CHECK(cname.m_canonical_name == "alias.example.com");
    const Answer dangling = f.ask("dangling.example.com", RrType::a);
    CHECK(dangling.m_status == DnsStatus::nxdomain);
    CHECK(dangling.m_canonical_name == "nowhere.example.com");
    CHECK(f.ask("loop1.example.com", RrType::a).m_status == DnsStatus::servfail);
}

TEST_CASE("a chain of 8 CNAMEs resolves, 9 is SERVFAIL") {
    Fixture f;
    for (int i = 0; i < 9; ++i)
        f.m_zone.add("c" + std::to_string(i) + ".test", RrType::cname,
                     "c" + std::to_string(i + 1) + ".test.");
    f.m_zone.add("c9.test", RrType::a, ip("192.0.2.9"));
    const Answer eight = f.ask("c1.test", RrType::a);
    CHECK(eight.m_status == DnsStatus::noerror);
    CHECK(eight.m_canonical_name == "c9.test");
    CHECK(f.ask("c0.test", RrType::a).m_status == DnsStatus::servfail);
}

TEST_CASE("wildcards answer only where no closer name exists") {
    Fixture f;
    const Answer any = f.ask("anything.wild.example.com", RrType::txt);
    CHECK(any.m_status == DnsStatus::noerror);
    CHECK(any.texts() == std::vector<std::string>{"wildcard"});
    CHECK(any.m_canonical_name == "anything.wild.example.com");
    CHECK(f.ask("a.b.wild.example.com", RrType::txt).texts() ==
          std::vector<std::string>{"wildcard"});
    CHECK(f.ask("anything.wild.example.com", RrType::a).m_status == DnsStatus::nodata);
    // host.wild exists, so the wildcard does not apply to it or below it.
    CHECK(f.ask("host.wild.example.com", RrType::txt).m_status == DnsStatus::nodata);
    CHECK(f.ask("y.host.wild.example.com", RrType::txt).m_status == DnsStatus::nxdomain);
    // ent.wild is an empty non-terminal: NODATA itself, its closest encloser for children.
    CHECK(f.ask("ent.wild.example.com", RrType::txt).m_status == DnsStatus::nodata);
    CHECK(f.ask("z.ent.wild.example.com", RrType::txt).m_status == DnsStatus::nxdomain);
    CHECK(f.ask("wild.example.com", RrType::txt).m_status == DnsStatus::nodata);
}

TEST_CASE("SERVFAIL faults hit the asked name and CNAME targets") {
    Fixture f;
    f.m_zone.set_servfail("example.com");
    f.m_zone.set_servfail("Mail.Example.Com.");
    CHECK(f.ask("example.com", RrType::a).m_status == DnsStatus::servfail);
    CHECK(f.ask("www.example.com", RrType::a).m_status == DnsStatus::servfail);
    CHECK(f.ask("nope.example.com", RrType::a).m_status == DnsStatus::nxdomain);  // exact only
    CHECK(f.ask("example.com", RrType::a).is_temporary());
}

TEST_CASE("security comes from the nearest enclosing setting; bogus withholds records") {
    Fixture f;
    f.m_zone.set_security("example.com", Security::secure);
    f.m_zone.set_security("wild.example.com", Security::insecure);
    f.m_zone.set_security("mail.example.com", Security::bogus);
    CHECK(f.ask("example.com", RrType::a).m_security == Security::secure);
    CHECK(f.ask("nope.example.com", RrType::a).m_security == Security::secure);
    CHECK(f.ask("x.wild.example.com", RrType::txt).m_security == Security::insecure);
    CHECK(f.ask("other.test", RrType::a).m_security == Security::unchecked);
    const Answer bogus = f.ask("mail.example.com", RrType::a);
    CHECK(bogus.m_security == Security::bogus);
    CHECK(bogus.m_status == DnsStatus::servfail);
    CHECK(bogus.m_records.empty());
    CHECK_FALSE(bogus.m_why_bogus.empty());
}

TEST_CASE("add() takes names with or without the trailing dot and normalises data names") {
    Fixture f;
    f.m_zone.add("Added.Test.", RrType::mx, MxRecord{5, "MX.Added.Test."}, 42);
    f.m_zone.add("added.test", RrType::ptr, std::string("host.test."));
    const Answer mx = f.ask("added.test", RrType::mx);
    CHECK(mx.mx() == std::vector<MxRecord>{{5, "MX.Added.Test"}});
    CHECK(mx.m_ttl == 42);
    CHECK(f.ask("added.test", RrType::ptr).texts() == std::vector<std::string>{"host.test"});
    CHECK(f.ask("test", RrType::a).m_status == DnsStatus::nodata);
    CHECK_THROWS_AS(f.m_zone.add("bad..name", RrType::a, ip("192.0.2.1")), std::invalid_argument);
}

TEST_CASE("load() reports the line of a syntax error") {
    Scheduler scheduler(Scheduler::Options{true});
    ZoneResolver zone(scheduler);
    CHECK_THROWS_WITH_AS(zone.load("a.test. A 192.0.2.1\n\nb.test. A nonsense\n"),
                         "line 3: Syntax error, could not parse the RR's rdata",
                         std::invalid_argument);
    CHECK_NOTHROW(zone.load("www IN A 192.0.2.7", "Example.NET."));
}

TEST_CASE("load(): a TXT without strings is ignored, as by production; other types make names") {
    Fixture f;
    f.m_zone.load(R"(
null  TXT \# 0
null  TXT "v=spf1 -all"
empty TXT \# 0
zone  SOA ns hostmaster 1 3600 900 604800 300
)",
                  "t.example.com");
    const Answer null = f.ask("null.t.example.com", RrType::txt);
    CHECK(null.m_status == DnsStatus::noerror);
    CHECK(null.texts() == std::vector<std::string>{"v=spf1 -all"});
    CHECK(f.ask("empty.t.example.com", RrType::txt).m_status == DnsStatus::nodata);
    CHECK(f.ask("zone.t.example.com", RrType::a).m_status == DnsStatus::nodata);
    CHECK(f.ask("other.t.example.com", RrType::a).m_status == DnsStatus::nxdomain);
}

TEST_CASE("delays run in virtual time: parallel lookups overlap, sequential ones add up") {
    Fixture f;
    f.m_zone.set_delay("example.com", 50ms);
    f.m_zone.set_delay("mail.example.com", 50ms);
    const std::vector<std::string> names{"example.com", "mail.example.com"};
    const Timed together = sync_wait(f.m_scheduler, parallel(f.m_scheduler, f.m_zone, names));
    CHECK(together.m_elapsed_ms == 50);
    CHECK(together.m_answers[0].m_records == addresses({"192.0.2.1", "192.0.2.2"}));
    CHECK(together.m_answers[1].m_records == addresses({"192.0.2.25"}));
    const Timed apart = sync_wait(f.m_scheduler, sequence(f.m_scheduler, f.m_zone, names));
    CHECK(apart.m_elapsed_ms == 100);
    CHECK(f.m_scheduler.pending_timers() == 0);
}

TEST_CASE("the default delay applies to names without their own") {
    Fixture f;
    f.m_zone.set_default_delay(30ms);
    f.m_zone.set_delay("mail.example.com", 5ms);
    const Timed timed = sync_wait(
        f.m_scheduler,
        sequence(f.m_scheduler, f.m_zone, {"example.com", "mail.example.com", "nope.example.com"}));
    CHECK(timed.m_elapsed_ms == 65);
    CHECK(timed.m_answers[2].m_status == DnsStatus::nxdomain);
}

TEST_CASE("no answer ends in timeout exactly at the query timeout") {
    Fixture f;
    f.m_zone.set_no_answer("example.com");
    f.m_zone.set_query_timeout(2s);
    f.m_zone.set_delay("example.com", 10ms);  // ignored: no answer ever comes
    const Timed timed =
        sync_wait(f.m_scheduler, sequence(f.m_scheduler, f.m_zone, {"example.com"}));
    CHECK(timed.m_answers[0].m_status == DnsStatus::timeout);
    CHECK(timed.m_answers[0].is_temporary());
    CHECK(timed.m_elapsed_ms == 2000);
    CHECK(f.m_scheduler.pending_timers() == 0);
}

TEST_CASE("cancelling an in-flight lookup ends it early and leaves no timer") {
    Fixture f;
    f.m_zone.set_delay("example.com", 1s);
    const Timed delayed =
        sync_wait(f.m_scheduler, cancelled_after(f.m_scheduler, f.m_zone, "example.com", 10ms));
    CHECK(delayed.m_answers[0].m_status == DnsStatus::cancelled);
    CHECK(delayed.m_answers[0].m_records.empty());
    CHECK(delayed.m_elapsed_ms == 10);
    CHECK(f.m_scheduler.pending_timers() == 0);

    f.m_zone.set_no_answer("mail.example.com");
    const Timed silent = sync_wait(
        f.m_scheduler, cancelled_after(f.m_scheduler, f.m_zone, "mail.example.com", 20ms));
    CHECK(silent.m_answers[0].m_status == DnsStatus::cancelled);
    CHECK(silent.m_elapsed_ms == 20);
    CHECK(f.m_scheduler.pending_timers() == 0);
}

TEST_CASE("a token cancelled before the lookup gets cancelled at once, delay or not") {
    Fixture f;
    CancelSource source;
    source.request_cancel();
    CHECK(f.ask("example.com", RrType::a, source.token()).m_status == DnsStatus::cancelled);
    f.m_zone.set_delay("mail.example.com", 1s);
    CHECK(f.ask("mail.example.com", RrType::a, source.token()).m_status == DnsStatus::cancelled);
    CHECK(f.m_scheduler.pending_timers() == 0);
    CHECK(f.m_zone.query_count() == 2);
}
