// iprev_check_test.cpp - check_iprev() over ZoneResolver: every RFC 8601 2.7.3 result, the
// 10-name limit, CNAMEs and loops, DNSSEC state, parallel forward lookups, the A-R form.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "coro/scheduler.hpp"
#include "coro/sync_wait.hpp"
#include "tests/support/zone_resolver.hpp"
#include "verify/authres/auth_results.hpp"
#include "verify/iprev/iprev_authres.hpp"
#include "verify/iprev/iprev_check.hpp"

using namespace std::chrono_literals;
using enma::coro::Scheduler;
using enma::coro::sync_wait;
using enma::coro::Task;
using enma::iprev::check_iprev;
using enma::iprev::IprevInput;
using enma::iprev::IprevOutput;
using enma::iprev::IprevResult;
using enma::iprev::to_auth_result;
using enma::resolver::IpAddress;
using enma::resolver::RrType;
using enma::resolver::Security;
using enma::resolver::ZoneResolver;

namespace {

constexpr auto kRtt = 50ms;

IpAddress ip(const char* text) {
    return *IpAddress::parse(text);
}

struct Fixture {
    Fixture() : m_scheduler(Scheduler::Options{true}), m_zone(m_scheduler) {
        m_zone.set_default_delay(kRtt);
        m_zone.load(R"(
$ORIGIN example.
$TTL 300
mail      A     192.0.2.1
mail      A     192.0.2.200
mail      AAAA  2001:db8::25
other     A     198.51.100.7
broken    A     192.0.2.1
alias     CNAME mail
loop1     CNAME loop2
loop2     CNAME loop1
)");
        m_scheduler.start();
    }

    void ptr(const char* address, std::string name) {
        m_zone.add(ip(address).reverse_name(), RrType::ptr, std::move(name));
    }

    struct Run {
        IprevOutput m_output;
        long m_round_trips = 0;
    };

    Run run(const char* address) {
        auto body = [](Scheduler& s, ZoneResolver& r, IprevInput in) -> Task<Run> {
            const auto start = s.now();
            Run run;
            run.m_output = co_await check_iprev(r, in);
            run.m_round_trips = static_cast<long>((s.now() - start) / kRtt);
            co_return run;
        };
        return sync_wait(m_scheduler, body(m_scheduler, m_zone, IprevInput{ip(address)}));
    }

    std::vector<std::string> asked(RrType type) const {
        std::vector<std::string> names;
        for (const auto& question : m_zone.questions())
            if (question.m_type == type)
                names.push_back(question.m_name);
        return names;
    }

    Scheduler m_scheduler;
    ZoneResolver m_zone;
};

}  // namespace

TEST_CASE("IPv4 pass: PTR then A, the name that maps back is reported") {
    Fixture f;
    f.ptr("192.0.2.1", "Mail.Example.");
    const auto run = f.run("192.0.2.1");
    CHECK(run.m_output.m_result == IprevResult::pass);
    CHECK(run.m_output.m_reason.empty());
    CHECK(run.m_output.m_name == "mail.example");
    CHECK(run.m_output.m_address == ip("192.0.2.1"));
    CHECK(run.m_output.m_ptr_names == std::vector<std::string>{"mail.example"});
    CHECK(run.m_output.m_ptr_total == 1);
    CHECK(run.m_round_trips == 2);
    CHECK(f.asked(RrType::ptr) == std::vector<std::string>{"1.2.0.192.in-addr.arpa"});
    CHECK(f.asked(RrType::a) == std::vector<std::string>{"mail.example"});
    CHECK(f.asked(RrType::aaaa).empty());
}

TEST_CASE("IPv6 pass: ip6.arpa nibbles then AAAA") {
    Fixture f;
    f.ptr("2001:db8::25", "mail.example");
    const auto run = f.run("2001:db8::25");
    CHECK(run.m_output.m_result == IprevResult::pass);
    CHECK(run.m_output.m_name == "mail.example");
    CHECK(f.asked(RrType::ptr) ==
          std::vector<std::string>{
              "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"});
    CHECK(f.asked(RrType::aaaa) == std::vector<std::string>{"mail.example"});
    CHECK(f.asked(RrType::a).empty());
}

TEST_CASE("an IPv4-mapped IPv6 client is checked as IPv4") {
    Fixture f;
    f.ptr("192.0.2.200", "mail.example");
    const auto run = f.run("::ffff:192.0.2.200");
    CHECK(run.m_output.m_result == IprevResult::pass);
    CHECK(run.m_output.m_address.to_string() == "192.0.2.200");
    CHECK(f.asked(RrType::a) == std::vector<std::string>{"mail.example"});
}

TEST_CASE("no PTR data is permerror (RFC 8601 2.7.3), NXDOMAIN or NODATA alike") {
    Fixture f;
    auto run = f.run("192.0.2.9");
    CHECK(run.m_output.m_result == IprevResult::permerror);
    CHECK(run.m_output.m_reason == "no PTR record for 192.0.2.9");
    CHECK(run.m_output.m_ptr_names.empty());
    CHECK(f.m_zone.query_count() == 1);
    f.m_zone.add(ip("192.0.2.10").reverse_name(), RrType::txt, std::string("not a PTR"));
    run = f.run("192.0.2.10");
    CHECK(run.m_output.m_result == IprevResult::permerror);
    CHECK(run.m_output.m_reason == "no PTR record for 192.0.2.10");
}

TEST_CASE("forward mismatch, NXDOMAIN or NODATA is fail") {
    Fixture f;
    f.ptr("192.0.2.2", "other.example");    // A is another address
    f.ptr("192.0.2.3", "missing.example");  // NXDOMAIN
    f.ptr("2001:db8::7", "other.example");  // no AAAA: NODATA
    for (const char* address : {"192.0.2.2", "192.0.2.3", "2001:db8::7"}) {
        CAPTURE(address);
        const auto run = f.run(address);
        CHECK(run.m_output.m_result == IprevResult::fail);
        CHECK(run.m_output.m_reason ==
              "no PTR name of " + ip(address).to_string() + " maps back to it");
        CHECK(run.m_output.m_name.empty());
    }
}

TEST_CASE("at most 10 names, sorted, looked up together; the 11th is never asked") {
    Fixture f;
    for (int i = 10; i >= 0; --i) {  // published in reverse order: the check sorts them
        const std::string name = "n" + std::string(i < 10 ? "0" : "") + std::to_string(i);
        f.ptr("192.0.2.50", name + ".example");
        f.m_zone.add(name + ".example", RrType::a, ip(i == 10 ? "192.0.2.50" : "192.0.2.99"));
    }
    const auto run = f.run("192.0.2.50");
    CHECK(run.m_output.m_result == IprevResult::fail);
    CHECK(run.m_output.m_reason ==
          "no PTR name of 192.0.2.50 maps back to it (only the first 10 of 11 names checked)");
    CHECK(run.m_output.m_ptr_total == 11);
    REQUIRE(run.m_output.m_ptr_names.size() == 10);
    CHECK(run.m_output.m_ptr_names.front() == "n00.example");
    CHECK(run.m_output.m_ptr_names.back() == "n09.example");
    CHECK(f.asked(RrType::a).size() == 10);
    CHECK(f.m_zone.query_count() == 11);
    CHECK(run.m_round_trips == 2);  // the ten A lookups fly together

    f.m_zone.add("n05.example", RrType::a, ip("192.0.2.50"));
    const auto again = f.run("192.0.2.50");
    CHECK(again.m_output.m_result == IprevResult::pass);
    CHECK(again.m_output.m_name == "n05.example");
}

TEST_CASE("duplicate PTR names differing in case or final dot are looked up once") {
    Fixture f;
    f.ptr("192.0.2.1", "MAIL.example.");
    f.ptr("192.0.2.1", "mail.example");
    const auto run = f.run("192.0.2.1");
    CHECK(run.m_output.m_result == IprevResult::pass);
    CHECK(run.m_output.m_ptr_total == 1);
    CHECK(f.asked(RrType::a).size() == 1);
}

TEST_CASE("CNAMEs: RFC 2317 reverse delegation and a CNAME'd name pass; loops do not") {
    Fixture f;
    f.m_zone.add(ip("192.0.2.1").reverse_name(), RrType::cname,
                 std::string("1.0-63.2.0.192.in-addr.arpa"));
    f.m_zone.add("1.0-63.2.0.192.in-addr.arpa", RrType::ptr, std::string("alias.example"));
    auto run = f.run("192.0.2.1");
    CHECK(run.m_output.m_result == IprevResult::pass);
    CHECK(run.m_output.m_name == "alias.example");  // the PTR name, not the CNAME target

    // A PTR pointing back at the reverse name itself: its A lookup is NODATA.
    f.ptr("192.0.2.4", ip("192.0.2.4").reverse_name());
    run = f.run("192.0.2.4");
    CHECK(run.m_output.m_result == IprevResult::fail);

    // A CNAME loop on the forward name is what a resolver reports as SERVFAIL.
    f.ptr("192.0.2.5", "loop1.example");
    run = f.run("192.0.2.5");
    CHECK(run.m_output.m_result == IprevResult::temperror);
    CHECK(run.m_output.m_reason == "forward lookup of loop1.example failed: servfail");
}

TEST_CASE("temperror: PTR SERVFAIL or timeout, a failed forward lookup with no pass") {
    Fixture f;
    f.m_zone.set_servfail(ip("192.0.2.6").reverse_name());
    auto run = f.run("192.0.2.6");
    CHECK(run.m_output.m_result == IprevResult::temperror);
    CHECK(run.m_output.m_reason == "PTR lookup of 6.2.0.192.in-addr.arpa failed: servfail");

    f.m_zone.set_query_timeout(2s);
    f.m_zone.set_no_answer(ip("192.0.2.7").reverse_name());
    run = f.run("192.0.2.7");
    CHECK(run.m_output.m_result == IprevResult::temperror);
    CHECK(run.m_output.m_reason == "PTR lookup of 7.2.0.192.in-addr.arpa failed: timeout");

    f.ptr("192.0.2.8", "other.example");
    f.ptr("192.0.2.8", "slow.example");
    f.m_zone.set_no_answer("slow.example");
    run = f.run("192.0.2.8");
    CHECK(run.m_output.m_result == IprevResult::temperror);
    CHECK(run.m_output.m_reason == "forward lookup of slow.example failed: timeout");
}

TEST_CASE("a pass wins over failures of the other forward lookups") {
    Fixture f;
    f.ptr("192.0.2.1", "broken.example");
    f.ptr("192.0.2.1", "a-fails.example");
    f.ptr("192.0.2.1", "b-times-out.example");
    f.m_zone.set_servfail("a-fails.example");
    f.m_zone.set_no_answer("b-times-out.example");
    const auto run = f.run("192.0.2.1");
    CHECK(run.m_output.m_result == IprevResult::pass);
    CHECK(run.m_output.m_name == "broken.example");
    CHECK(run.m_output.m_reason.empty());
}

TEST_CASE("a PTR name that cannot be queried does not map back") {
    Fixture f;
    f.ptr("192.0.2.11", std::string(64, 'x') + ".example");
    const auto run = f.run("192.0.2.11");
    CHECK(run.m_output.m_result == IprevResult::fail);
    CHECK(f.m_zone.query_count() == 1);
}

TEST_CASE("DNSSEC: secure only when every answer the result rests on is") {
    Fixture f;
    f.ptr("192.0.2.1", "mail.example");
    f.m_zone.set_security("in-addr.arpa", Security::secure);
    f.m_zone.set_security("mail.example", Security::secure);
    CHECK(f.run("192.0.2.1").m_output.m_security == Security::secure);

    f.m_zone.set_security("mail.example", Security::insecure);
    CHECK(f.run("192.0.2.1").m_output.m_security == Security::insecure);

    // Two names map back: the pass rests on the better-protected one.
    f.ptr("192.0.2.1", "broken.example");
    f.m_zone.set_security("broken.example", Security::secure);
    auto run = f.run("192.0.2.1");
    CHECK(run.m_output.m_name == "broken.example");
    CHECK(run.m_output.m_security == Security::secure);

    // A fail rests on every forward answer.
    f.ptr("192.0.2.2", "other.example");
    f.m_zone.set_security("other.example", Security::insecure);
    CHECK(f.run("192.0.2.2").m_output.m_security == Security::insecure);

    f.m_zone.set_security("3.2.0.192.in-addr.arpa", Security::bogus);
    run = f.run("192.0.2.3");
    CHECK(run.m_output.m_result == IprevResult::temperror);
    CHECK(run.m_output.m_reason == "PTR lookup of 3.2.0.192.in-addr.arpa failed: DNSSEC bogus");
    CHECK(run.m_output.m_security == Security::bogus);
}

TEST_CASE("A-R: policy.iprev is the address, the name goes in the comment") {
    Fixture f;
    f.ptr("192.0.2.1", "mail.example");
    auto result = to_auth_result(f.run("192.0.2.1").m_output);
    CHECK(enma::verify::render_auth_results("mx.test", {result}, " ") ==
          "mx.test; iprev=pass (mail.example) policy.iprev=192.0.2.1");
    result = to_auth_result(f.run("2001:db8::99").m_output);
    CHECK(enma::verify::render_auth_results("mx.test", {result}, " ") ==
          "mx.test; iprev=permerror reason=\"no PTR record for 2001:db8::99\" "
          "policy.iprev=\"2001:db8::99\"");  // ':' is a tspecial: a quoted-string
}

TEST_CASE("result words") {
    CHECK(to_string(IprevResult::pass) == "pass");
    CHECK(to_string(IprevResult::fail) == "fail");
    CHECK(to_string(IprevResult::temperror) == "temperror");
    CHECK(to_string(IprevResult::permerror) == "permerror");
}
