// dmarc_author_test.cpp - the Author Domain from the From fields (RFC 9989 5.3.1).
#include <doctest/doctest.h>

#include "verify/dmarc/author.hpp"

using enma::dmarc::DmarcResult;
using enma::dmarc::find_author;

TEST_CASE("one From with one domain gives it, as a lower-case A-label") {
    const auto author = find_author({"Alice <alice@Example.COM>, bob@example.com"});
    CHECK(author.m_domain == "example.com");
    CHECK(author.m_address == "alice@example.com");
    CHECK(find_author({"x@bücher.example"}).m_domain == "xn--bcher-kva.example");
}

TEST_CASE("no From is none; several, unparsable, empty group or two domains are permerror") {
    CHECK(find_author({}).m_result == DmarcResult::none);
    CHECK(find_author({}).m_error == "no From field");
    const auto twice = find_author({"a@example.com", "b@example.com"});
    CHECK(twice.m_domain.empty());
    CHECK(twice.m_result == DmarcResult::permerror);
    CHECK(twice.m_error == "multiple From fields");
    const auto domains = find_author({"a@victim.example, b@attacker.example"});
    CHECK(domains.m_result == DmarcResult::permerror);
    CHECK(domains.m_error == "From has mailboxes in several domains");
    CHECK(find_author({"undisclosed:;"}).m_error == "From: no mailbox");
    CHECK(find_author({"a@[192.0.2.1]"}).m_error == "From domain is a domain literal");
    CHECK(find_author({"<<<"}).m_result == DmarcResult::permerror);
}
