// iprev_test.cpp - check_iprev() through real libunbound against NSD: IPv4 and IPv6 reverse
// zones, the 10-name limit, RFC 2317 CNAMEs, loops, and timeouts (fixture.py, iprev_zone_texts).
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "tests/integration/fixture_env.hpp"
#include "verify/authres/auth_results.hpp"
#include "verify/iprev/iprev_authres.hpp"
#include "verify/iprev/iprev_check.hpp"

using enma::integration::FixtureEnv;
using enma::integration::Harness;
using enma::iprev::IprevOutput;
using enma::iprev::IprevResult;
using enma::resolver::IpAddress;
using enma::resolver::Security;

namespace {

IprevOutput check(Harness& h, const char* address) {
    return enma::coro::sync_wait(
        h.m_scheduler, enma::iprev::check_iprev(*h.m_resolver, {*IpAddress::parse(address)}));
}

std::string v4(int last) {
    return "11.22.33." + std::to_string(last);
}

std::string v6(const char* last) {
    return std::string("2a01:4f8:1:2::") + last;
}

}  // namespace

TEST_CASE("IPv4: pass, fail, permerror, through NSD") {
    const auto env = FixtureEnv::load();
    Harness h(env.forward_to(env.m_nsd_port));

    auto out = check(h, "11.22.33.44");
    CHECK(out.m_result == IprevResult::pass);
    CHECK(out.m_name == "mail.iprev.example");
    CHECK(out.m_security == Security::insecure);
    CHECK(enma::verify::render_auth_results("mx.test", {enma::iprev::to_auth_result(out)}, " ") ==
          "mx.test; iprev=pass (mail.iprev.example) policy.iprev=11.22.33.44");

    out = check(h, v4(45).c_str());
    CHECK(out.m_result == IprevResult::fail);
    CHECK(out.m_reason == "no PTR name of 11.22.33.45 maps back to it");

    out = check(h, v4(46).c_str());
    CHECK(out.m_result == IprevResult::permerror);
    CHECK(out.m_reason == "no PTR record for 11.22.33.46");
}

TEST_CASE("IPv6: pass, fail, permerror, through NSD") {
    const auto env = FixtureEnv::load();
    Harness h(env.forward_to(env.m_nsd_port));

    auto out = check(h, v6("25").c_str());
    CHECK(out.m_result == IprevResult::pass);
    CHECK(out.m_name == "mail.iprev.example");
    CHECK(out.m_address.to_string() == "2a01:4f8:1:2::25");

    CHECK(check(h, v6("45").c_str()).m_result == IprevResult::fail);
    CHECK(check(h, v6("46").c_str()).m_result == IprevResult::permerror);
}

TEST_CASE("the 10-name limit: the 11th name is never checked, whatever order NSD sends") {
    const auto env = FixtureEnv::load();
    Harness h(env.forward_to(env.m_nsd_port));
    for (const auto& address : {v4(47), v6("47")}) {
        CAPTURE(address);
        const auto out = check(h, address.c_str());
        CHECK(out.m_result == IprevResult::fail);
        CHECK(out.m_ptr_total == 11);
        REQUIRE(out.m_ptr_names.size() == 10);
        CHECK(out.m_ptr_names.back() == "n09.iprev.example");
        CHECK(out.m_reason.ends_with("(only the first 10 of 11 names checked)"));
    }
    for (const auto& address : {v4(48), v6("48")}) {
        CAPTURE(address);
        const auto out = check(h, address.c_str());
        CHECK(out.m_result == IprevResult::pass);
        CHECK(out.m_name == "n03.iprev.example");
    }
}

TEST_CASE("CNAMEs and loops") {
    const auto env = FixtureEnv::load();
    Harness h(env.forward_to(env.m_nsd_port));

    auto out = check(h, v4(49).c_str());  // RFC 2317 CNAME, then a CNAME'd host name
    CHECK(out.m_result == IprevResult::pass);
    CHECK(out.m_name == "cname49.iprev.example");

    out = check(h, v4(50).c_str());  // PTR names its own reverse name: no A there
    CHECK(out.m_result == IprevResult::fail);

    out = check(h, v4(51).c_str());  // the forward name is a CNAME loop: unbound's SERVFAIL
    CHECK(out.m_result == IprevResult::temperror);
    CHECK(out.m_reason == "forward lookup of loop1.iprev.example failed: servfail");
}

TEST_CASE("a forward lookup that times out: a pass elsewhere wins, else temperror") {
    const auto env = FixtureEnv::load();
    auto options = env.forward_to(env.m_blackhole_port);
    const auto nsd = "127.0.0.1@" + std::to_string(env.m_nsd_port);
    options.m_stub_zones = {{"iprev.example", {nsd}}, {"33.22.11.in-addr.arpa", {nsd}}};
    options.m_query_timeout = std::chrono::milliseconds(1500);
    Harness h(options);

    auto out = check(h, v4(52).c_str());
    CHECK(out.m_result == IprevResult::pass);
    CHECK(out.m_name == "host52.iprev.example");

    out = check(h, v4(53).c_str());
    CHECK(out.m_result == IprevResult::temperror);
    CHECK(out.m_reason == "forward lookup of host53.blackhole.example failed: timeout");

    out = check(h, v6("25").c_str());  // the ip6.arpa zone is not stubbed: PTR times out
    CHECK(out.m_result == IprevResult::temperror);
    CHECK(out.m_reason.starts_with("PTR lookup of 5.2.0.0."));
    CHECK(out.m_reason.ends_with(" failed: timeout"));
}
