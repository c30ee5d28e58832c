// unbound_result_test.cpp - map_ub_result: libunbound's result contract to an Answer.
#include <doctest/doctest.h>
#include <unbound.h>

#include <cstring>
#include <string>
#include <vector>

#include "resolver/unbound_resolver.hpp"

using enma::resolver::DnsStatus;
using enma::resolver::IpAddress;
using enma::resolver::map_ub_result;
using enma::resolver::RrType;
using enma::resolver::Security;

namespace {

// FakeResult - a ub_result over vectors this test owns (never passed to ub_resolve_free).
struct FakeResult {
    std::vector<std::string> m_rdata;
    std::vector<char*> m_data;
    std::vector<int> m_len;
    std::string m_qname = "www.example.";
    std::string m_canonname;
    std::string m_why;
    ub_result m_result{};

    ub_result& get() {
        m_data.clear();
        m_len.clear();
        for (auto& rdata : m_rdata) {
            m_data.push_back(rdata.data());
            m_len.push_back(static_cast<int>(rdata.size()));
        }
        m_data.push_back(nullptr);
        m_result.qname = m_qname.data();
        m_result.canonname = m_canonname.empty() ? nullptr : m_canonname.data();
        m_result.why_bogus = m_why.empty() ? nullptr : m_why.data();
        m_result.data = m_data.data();
        m_result.len = m_len.data();
        m_result.havedata = !m_rdata.empty();
        return m_result;
    }
};

}  // namespace

TEST_CASE("data: records, TTL, canonical name without the dot, security from the flags") {
    FakeResult fake;
    fake.m_rdata = {std::string("\xc6\x12\x00\x0a", 4), std::string("\xc6\x12\x00\x0b", 4)};
    fake.m_canonname = "host.example.";
    auto& result = fake.get();
    result.ttl = 300;
    result.secure = 1;
    auto answer = map_ub_result(result, RrType::a, true);
    CHECK(answer.m_status == DnsStatus::noerror);
    CHECK(answer.m_security == Security::secure);
    CHECK(answer.m_ttl == 300);
    CHECK(answer.m_canonical_name == "host.example");
    CHECK(answer.addresses() ==
          std::vector{*IpAddress::parse("198.18.0.10"), *IpAddress::parse("198.18.0.11")});

    result.secure = 0;
    CHECK(map_ub_result(result, RrType::a, true).m_security == Security::insecure);
    CHECK(map_ub_result(result, RrType::a, false).m_security == Security::unchecked);
    result.canonname = nullptr;
    CHECK(map_ub_result(result, RrType::a, true).m_canonical_name == "www.example");
}

// Found by the SPF differential test (tests/conformance/spf_adjudication.yml, scenario
// d113 of seed 7): a server repeating MX records, 11 in all but 6 distinct, pushed enma's mx
// term over its 10-name limit (permerror) where pyspf and Mail::SPF matched. RFC 2181
// section 5: an RRset is a set, repeats are one record.
TEST_CASE("a repeated RDATA is one record (RFC 2181 section 5), order kept") {
    FakeResult fake;
    const std::string mx1(
        "\x00\x01\x03mx1\x07"
        "example\x00",
        15);
    const std::string mx2(
        "\x00\x02\x03mx2\x07"
        "example\x00",
        15);
    fake.m_rdata = {mx1, mx2, mx1, mx1, mx2};
    auto answer = map_ub_result(fake.get(), RrType::mx, false);
    CHECK(answer.m_status == DnsStatus::noerror);
    REQUIRE(answer.mx().size() == 2);
    CHECK(answer.mx()[0].m_exchange == "mx1.example");
    CHECK(answer.mx()[1].m_exchange == "mx2.example");
    // Same exchange, another preference: two records.
    fake.m_rdata = {mx1, std::string("\x00\x05", 2) + mx1.substr(2)};
    CHECK(map_ub_result(fake.get(), RrType::mx, false).mx().size() == 2);
    fake.m_rdata = {std::string("\xc6\x12\x00\x0a", 4), std::string("\xc6\x12\x00\x0a", 4)};
    CHECK(map_ub_result(fake.get(), RrType::a, false).addresses() ==
          std::vector{*IpAddress::parse("198.18.0.10")});
}

TEST_CASE("malformed records are skipped; all malformed is an error, not data") {
    FakeResult fake;
    fake.m_rdata = {std::string("\x01\x02\x03", 3), std::string("\xc6\x12\x00\x0a", 4)};
    auto answer = map_ub_result(fake.get(), RrType::a, true);
    CHECK(answer.m_status == DnsStatus::noerror);
    CHECK(answer.addresses() == std::vector{*IpAddress::parse("198.18.0.10")});

    fake.m_rdata = {std::string("\x01\x02\x03", 3)};
    answer = map_ub_result(fake.get(), RrType::a, true);
    CHECK(answer.m_status == DnsStatus::error);
    CHECK(answer.m_records.empty());
}

TEST_CASE("no data: NXDOMAIN, NODATA, SERVFAIL, REFUSED, other rcodes") {
    FakeResult fake;
    auto& result = fake.get();
    result.ttl = 60;
    result.nxdomain = 1;
    result.rcode = 3;
    auto answer = map_ub_result(result, RrType::txt, true);
    CHECK(answer.m_status == DnsStatus::nxdomain);
    CHECK(answer.m_ttl == 60);
    result.nxdomain = 0;
    result.rcode = 0;
    CHECK(map_ub_result(result, RrType::txt, true).m_status == DnsStatus::nodata);
    result.rcode = 2;
    CHECK(map_ub_result(result, RrType::txt, true).m_status == DnsStatus::servfail);
    result.rcode = 5;
    CHECK(map_ub_result(result, RrType::txt, true).m_status == DnsStatus::refused);
    result.rcode = 4;
    CHECK(map_ub_result(result, RrType::txt, true).m_status == DnsStatus::error);
}

TEST_CASE("bogus withholds the data as SERVFAIL and keeps why_bogus") {
    FakeResult fake;
    fake.m_rdata = {std::string("\xc6\x12\x00\x0a", 4)};
    fake.m_why = "validation failure <www.example. A IN>: signature crypto failed";
    auto& result = fake.get();
    result.bogus = 1;
    result.rcode = 2;
    auto answer = map_ub_result(result, RrType::a, true);
    CHECK(answer.m_status == DnsStatus::servfail);
    CHECK(answer.m_security == Security::bogus);
    CHECK(answer.m_records.empty());
    CHECK(answer.m_why_bogus == fake.m_why);

    result.why_bogus = nullptr;
    CHECK(map_ub_result(result, RrType::a, true).m_why_bogus == "validation failed");
    // With validation off libunbound reports no verdict; bogus cannot arise.
    result.bogus = 0;
    result.rcode = 0;
    CHECK(map_ub_result(result, RrType::a, false).m_security == Security::unchecked);
}

// The openspf case null-text (rfc7208-tests.yml, spec 3.3) over real DNS: libunbound reports
// SERVFAIL for a TXT RRset with a record of no character-strings, though the server's message
// is NOERROR. The record is ignored and the other one used.
TEST_CASE("null-text: a TXT record without strings is ignored, not a SERVFAIL") {
    FakeResult fake;
    // A NOERROR reply for null.example. TXT: "v=spf1 " "-all", then a record with RDLENGTH 0.
    std::string message("\x12\x34\x85\x80\x00\x01\x00\x02\x00\x00\x00\x00", 12);
    message += std::string(
        "\x04null\x07"
        "example\x00\x00\x10\x00\x01",
        18);
    message += std::string("\xc0\x0c\x00\x10\x00\x01\x00\x00\x00\x3c\x00\x0d", 12);
    message += std::string("\x07v=spf1 \x04-all", 13);
    message += std::string("\xc0\x0c\x00\x10\x00\x01\x00\x00\x00\x3c\x00\x00", 12);
    auto& result = fake.get();
    result.rcode = 2;
    result.answer_packet = message.data();
    result.answer_len = static_cast<int>(message.size());
    auto answer = map_ub_result(result, RrType::txt, false);
    CHECK(answer.m_status == DnsStatus::noerror);
    CHECK(answer.texts() == std::vector<std::string>{"v=spf1 -all"});
    // Other types, and a real SERVFAIL, stay SERVFAIL.
    CHECK(map_ub_result(result, RrType::a, false).m_status == DnsStatus::servfail);
    message[3] = '\x82';
    CHECK(map_ub_result(result, RrType::txt, false).m_status == DnsStatus::servfail);
    // A repeated record counts once here too.
    std::string repeated = message;
    repeated[3] = '\x80';
    repeated[7] = '\x03';
    repeated += std::string("\xc0\x0c\x00\x10\x00\x01\x00\x00\x00\x3c\x00\x0d", 12);
    repeated += std::string("\x07v=spf1 \x04-all", 13);
    result.answer_packet = repeated.data();
    result.answer_len = static_cast<int>(repeated.size());
    CHECK(map_ub_result(result, RrType::txt, false).texts() ==
          std::vector<std::string>{"v=spf1 -all"});
    result.answer_packet = message.data();
    result.answer_len = static_cast<int>(message.size());
    // Only the empty record: the name has no TXT data at all.
    message[3] = '\x80';
    message[7] = '\x01';
    message.erase(12 + 18, 12 + 13);
    result.answer_len = static_cast<int>(message.size());
    CHECK(map_ub_result(result, RrType::txt, false).m_status == DnsStatus::nodata);
}
