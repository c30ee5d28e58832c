// dmarc_tree_walk_test.cpp - RFC 9989 4.10's targets (at most five) and 4.12's
// Organizational Domain selection, over a snapshot of answers.
#include <doctest/doctest.h>

#include "verify/dmarc/tree_walk.hpp"

using enma::dmarc::dmarc_question;
using enma::dmarc::DnsSnapshot;
using enma::dmarc::organizational_domain;
using enma::dmarc::walk;
using enma::dmarc::walk_targets;
using enma::resolver::Answer;
using enma::resolver::DnsStatus;

namespace {

Answer txt(std::string text) {
    Answer answer;
    answer.m_status = DnsStatus::noerror;
    answer.m_records.emplace_back(std::move(text));
    return answer;
}

// snapshot - every target of a walk from `from` answered NXDOMAIN unless given a record.
DnsSnapshot snapshot(std::string_view from, std::map<std::string, std::string> records) {
    DnsSnapshot dns;
    for (const auto& target : walk_targets(from)) {
        const auto it = records.find(target);
        dns.add(dmarc_question(target),
                it == records.end() ? Answer::failure(DnsStatus::nxdomain) : txt(it->second));
    }
    return dns;
}

}  // namespace

TEST_CASE("the RFC's example: eight labels take five queries") {
    CHECK(walk_targets("a.b.c.d.e.mail.example.com") ==
          std::vector<std::string>{"a.b.c.d.e.mail.example.com", "e.mail.example.com",
                                   "mail.example.com", "example.com", "com"});
    CHECK(walk_targets("example.com") == std::vector<std::string>{"example.com", "com"});
    CHECK(walk_targets("com") == std::vector<std::string>{"com"});
    CHECK(walk_targets("a.b.c.d.example.com").size() == 5);
}

TEST_CASE("the Organizational Domain is the record with the fewest labels") {
    const auto dns = snapshot("a.mail.example.com", {{"mail.example.com", "v=DMARC1; p=none"},
                                                     {"example.com", "v=DMARC1; p=reject"}});
    const auto result = walk("a.mail.example.com", dns);
    REQUIRE(result.m_complete);
    CHECK(organizational_domain(result) == "example.com");
}

TEST_CASE("psd=y makes the domain one label below it the Organizational Domain") {
    const auto dns = snapshot("a.mail.example.com", {{"com", "v=DMARC1; p=reject; psd=y"}});
    CHECK(organizational_domain(walk("a.mail.example.com", dns)) == "example.com");
}

TEST_CASE("psd=n stops the walk: that domain is the Organizational Domain") {
    const auto dns = snapshot(
        "a.mail.example.com",
        {{"mail.example.com", "v=DMARC1; p=none; psd=n"}, {"example.com", "v=DMARC1; p=reject"}});
    const auto result = walk("a.mail.example.com", dns);
    CHECK(result.m_levels.size() == 2);
    CHECK(organizational_domain(result) == "mail.example.com");
}

TEST_CASE("no record anywhere: the starting domain") {
    CHECK(organizational_domain(walk("x.example.org", snapshot("x.example.org", {}))) ==
          "x.example.org");
}

TEST_CASE("two DMARC records at one name are both discarded") {
    DnsSnapshot dns = snapshot("example.com", {});
    Answer two = txt("v=DMARC1; p=reject");
    two.m_records.emplace_back(std::string("v=DMARC1; p=none"));
    dns.add(dmarc_question("example.com"), two);
    const auto result = walk("example.com", dns);
    CHECK_FALSE(result.m_levels.front().m_record);
}

TEST_CASE("a missing answer leaves the walk incomplete and names every missing question") {
    DnsSnapshot dns;
    const auto result = walk("a.example.com", dns);
    CHECK_FALSE(result.m_complete);
    CHECK(dns.take_missing().size() == 3);
}

TEST_CASE("a failed lookup before the stop makes the walk temporary") {
    DnsSnapshot dns = snapshot("a.example.com", {});
    dns.add(dmarc_question("example.com"), Answer::failure(DnsStatus::servfail));
    const auto result = walk("a.example.com", dns);
    CHECK(result.m_temporary);
    CHECK(result.m_levels.size() == 1);
}
