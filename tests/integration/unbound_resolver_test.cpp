// unbound_resolver_test.cpp - UnboundResolver against a real NSD: records, DNSSEC, sizes, modes.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/integration/fixture_env.hpp"

using enma::integration::FixtureEnv;
using enma::integration::Harness;
using enma::resolver::Answer;
using enma::resolver::DnsStatus;
using enma::resolver::IpAddress;
using enma::resolver::MxRecord;
using enma::resolver::ResolverOptions;
using enma::resolver::RrType;
using enma::resolver::Security;

namespace {

IpAddress ip(const char* text) {
    return *IpAddress::parse(text);
}

std::string dkim_record() {
    std::ifstream in(std::string(ENMA_INTEGRATION_DATA) + "/dkim4096.txt");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.pop_back();
    return text;
}

void check_data(const Answer& answer, Security security) {
    CHECK(answer.m_status == DnsStatus::noerror);
    CHECK(answer.m_security == security);
    CHECK(answer.m_why_bogus.empty());
    CHECK(answer.m_ttl > 0);
    CHECK(answer.m_ttl <= 300);
}

}  // namespace

TEST_CASE("a signed zone under an inline DS anchor is secure, record by record") {
    const auto env = FixtureEnv::load();
    Harness h(env.forward_to(env.m_nsd_port));

    const auto a = h.query("www.signed.example", RrType::a);
    check_data(a, Security::secure);
    CHECK(a.addresses() == std::vector{ip("198.18.0.10")});
    CHECK(a.m_canonical_name == "www.signed.example");

    const auto aaaa = h.query("www.signed.example.", RrType::aaaa);
    check_data(aaaa, Security::secure);
    CHECK(aaaa.addresses() == std::vector{ip("2001:db8::10")});

    auto mx = h.query("signed.example", RrType::mx);
    check_data(mx, Security::secure);
    auto exchanges = mx.mx();
    std::sort(exchanges.begin(), exchanges.end(),
              [](const auto& x, const auto& y) { return x.m_preference < y.m_preference; });
    CHECK(exchanges ==
          std::vector<MxRecord>{{10, "mail.signed.example"}, {20, "backup.plain.example"}});

    const auto ns = h.query("signed.example", RrType::ns);
    check_data(ns, Security::secure);
    CHECK(ns.texts() == std::vector<std::string>{"ns.signed.example"});
}

TEST_CASE("TXT strings of one record are joined; SPF (type 99) too") {
    const auto env = FixtureEnv::load();
    Harness h(env.forward_to(env.m_nsd_port));

    const auto txt = h.query("spf.signed.example", RrType::txt);
    check_data(txt, Security::secure);
    CHECK(txt.texts() == std::vector<std::string>{"v=spf1 ip4:198.18.0.0/24 -all"});

    const auto spf = h.query("spf.signed.example", RrType::spf);
    check_data(spf, Security::secure);
    CHECK(spf.texts() == std::vector<std::string>{"v=spf1 ip4:198.18.0.0/24 -all"});
}

TEST_CASE("CNAMEs are followed and a CNAME can be asked for itself") {
    const auto env = FixtureEnv::load();
    Harness h(env.forward_to(env.m_nsd_port));

    const auto followed = h.query("alias.signed.example", RrType::a);
    check_data(followed, Security::secure);
    CHECK(followed.addresses() == std::vector{ip("198.18.0.10")});
    CHECK(followed.m_canonical_name == "www.signed.example");

    const auto cname = h.query("alias.signed.example", RrType::cname);
    check_data(cname, Security::secure);
    CHECK(cname.texts() == std::vector<std::string>{"www.signed.example"});
}

TEST_CASE("PTR in an unsigned reverse zone is insecure") {
    const auto env = FixtureEnv::load();
    Harness h(env.forward_to(env.m_nsd_port));
    const auto ptr = h.query(ip("198.18.0.25").reverse_name(), RrType::ptr);
    check_data(ptr, Security::insecure);
    CHECK(ptr.texts() == std::vector<std::string>{"mail.signed.example"});
}

TEST_CASE("NXDOMAIN and NODATA, proven by NSEC in the signed zone") {
    const auto env = FixtureEnv::load();
    Harness h(env.forward_to(env.m_nsd_port));

    const auto nx = h.query("nothing-here.signed.example", RrType::a);
    CHECK(nx.m_status == DnsStatus::nxdomain);
    CHECK(nx.m_security == Security::secure);
    CHECK(nx.m_records.empty());
    CHECK(nx.does_not_exist());

    const auto nodata = h.query("www.signed.example", RrType::txt);
    CHECK(nodata.m_status == DnsStatus::nodata);
    CHECK(nodata.m_security == Security::secure);
    CHECK(nodata.m_records.empty());

    const auto plain_nx = h.query("nothing-here.plain.example", RrType::txt);
    CHECK(plain_nx.m_status == DnsStatus::nxdomain);
    CHECK(plain_nx.m_security == Security::insecure);
}

TEST_CASE("a zone under no anchor is insecure") {
    const auto env = FixtureEnv::load();
    Harness h(env.forward_to(env.m_nsd_port));
    const auto a = h.query("www.plain.example", RrType::a);
    check_data(a, Security::insecure);
    CHECK(a.addresses() == std::vector{ip("198.18.1.10")});
    const auto txt = h.query("txt.plain.example", RrType::txt);
    check_data(txt, Security::insecure);
    CHECK(txt.texts() == std::vector<std::string>{"plain text"});
}

TEST_CASE("a corrupted RRSIG is bogus: SERVFAIL, no records, a reason") {
    const auto env = FixtureEnv::load();
    Harness h(env.forward_to(env.m_nsd_port));

    const auto bogus = h.query("www.broken.example", RrType::a);
    CHECK(bogus.m_status == DnsStatus::servfail);
    CHECK(bogus.m_security == Security::bogus);
    CHECK(bogus.m_records.empty());
    CHECK_FALSE(bogus.m_why_bogus.empty());
    CHECK(bogus.is_temporary());
    MESSAGE("why_bogus: ", bogus.m_why_bogus);

    // The same zone's intact RRsets validate: the anchor file is right, only one RRSIG is bad.
    const auto intact = h.query("txt.broken.example", RrType::txt);
    check_data(intact, Security::secure);
    CHECK(intact.texts() == std::vector<std::string>{"intact"});
}

TEST_CASE("with DNSSEC off every answer is unchecked and the bad signature goes unnoticed") {
    const auto env = FixtureEnv::load();
    auto options = env.forward_to(env.m_nsd_port);
    options.m_dnssec = false;
    Harness h(options);

    const auto a = h.query("www.broken.example", RrType::a);
    check_data(a, Security::unchecked);
    CHECK(a.addresses() == std::vector{ip("198.18.2.10")});
    CHECK(h.query("www.signed.example", RrType::a).m_security == Security::unchecked);
}

TEST_CASE("a TXT record over 512 bytes arrives whole, by EDNS0 and by TCP fallback") {
    const auto env = FixtureEnv::load();
    const auto expected = dkim_record();
    REQUIRE(expected.size() == 754);  // a 4096-bit RSA DKIM key, in three strings

    SUBCASE("EDNS0 with the default 1232-byte buffer: one UDP answer (through the proxy)") {
        Harness h(env.forward_to(env.m_proxy_port));
        const auto tcp_before = env.proxied("tcp");
        const auto txt = h.query("sel._domainkey.signed.example", RrType::txt);
        CHECK(env.proxied("tcp") == tcp_before);
        check_data(txt, Security::secure);
        REQUIRE(txt.texts().size() == 1);
        CHECK(txt.texts()[0].size() == 754);
        CHECK(txt.texts()[0] == expected);
    }
    SUBCASE("a 512-byte buffer: truncated over UDP, retried over TCP (through the proxy)") {
        auto options = env.forward_to(env.m_proxy_port);
        options.m_edns_buffer_size = 512;
        Harness h(options);
        const auto tcp_before = env.proxied("tcp");
        const auto txt = h.query("sel._domainkey.signed.example", RrType::txt);
        CHECK(env.proxied("tcp") > tcp_before);
        check_data(txt, Security::secure);
        REQUIRE(txt.texts().size() == 1);
        CHECK(txt.texts()[0] == expected);
    }
}

TEST_CASE("stub zones send their names straight to the listed server") {
    const auto env = FixtureEnv::load();
    // Everything else is forwarded into the black hole, so only the stubs can answer.
    auto options = env.forward_to(env.m_blackhole_port);
    const auto nsd = "127.0.0.1@" + std::to_string(env.m_nsd_port);
    options.m_stub_zones = {{"signed.example", {nsd}}, {"plain.example.", {nsd}}};
    options.m_query_timeout = std::chrono::seconds(3);
    Harness h(options);

    const auto a = h.query("www.signed.example", RrType::a);
    check_data(a, Security::secure);
    CHECK(a.addresses() == std::vector{ip("198.18.0.10")});
    const auto plain = h.query("www.plain.example", RrType::a);
    check_data(plain, Security::insecure);
    CHECK(plain.addresses() == std::vector{ip("198.18.1.10")});
}

TEST_CASE("invalid names are answered with error and never sent") {
    const auto env = FixtureEnv::load();
    Harness h(env.forward_to(env.m_nsd_port));
    CHECK(h.query("a..signed.example", RrType::a).m_status == DnsStatus::error);
    CHECK(h.query(std::string(64, 'x') + ".signed.example", RrType::a).m_status ==
          DnsStatus::error);
    CHECK(h.query("", RrType::a).m_status == DnsStatus::error);
    CHECK(h.query(std::string("nul\0.signed.example", 19), RrType::a).m_status == DnsStatus::error);
    CHECK(h.in_flight() == 0);
}

TEST_CASE("a trust anchor file that does not parse fails at construction, not per query") {
    const auto env = FixtureEnv::load();
    auto options = env.forward_to(env.m_nsd_port);
    options.m_trust_anchor_files = {std::string(ENMA_INTEGRATION_DATA) + "/dkim4096.txt"};
    enma::coro::Scheduler scheduler;
    CHECK_THROWS_AS(enma::resolver::UnboundResolver(scheduler, options), std::runtime_error);
    options.m_trust_anchor_files = {"/nonexistent/anchor.key"};
    CHECK_THROWS_WITH_AS(enma::resolver::UnboundResolver(scheduler, options),
                         "trust anchor file /nonexistent/anchor.key cannot be read",
                         std::invalid_argument);
}
