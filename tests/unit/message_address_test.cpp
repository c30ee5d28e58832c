// message_address_test.cpp - RFC 5322 address lists, obsolete syntax, IDN, author domain.
#include <doctest/doctest.h>

#include <string>

#include "verify/message/address.hpp"
#include "verify/message/idn.hpp"

using enma::message::author_domain;
using enma::message::parse_address_list;
using enma::message::parse_mailbox;
using enma::message::to_a_label;

TEST_CASE("a plain addr-spec and a name-addr") {
    auto list = parse_address_list(" joe@Example.COM");
    REQUIRE(list.m_ok);
    REQUIRE(list.m_mailboxes.size() == 1);
    CHECK(list.m_mailboxes[0].m_local_part == "joe");
    CHECK(list.m_mailboxes[0].m_domain == "example.com");

    list = parse_address_list(" \"Joe Q. Public\" <john.q.public@example.com>");
    REQUIRE(list.m_ok);
    CHECK(list.m_mailboxes[0].m_display_name == "Joe Q. Public");
    CHECK(list.m_mailboxes[0].address() == "john.q.public@example.com");
}

TEST_CASE("RFC 5322 A.1.2 lists and groups") {
    auto list =
        parse_address_list(" Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>");
    REQUIRE(list.m_ok);
    REQUIRE(list.m_mailboxes.size() == 3);
    CHECK(list.m_mailboxes[2].m_display_name == "Who?");
    CHECK(list.m_mailboxes[2].m_domain == "y.test");

    list = parse_address_list(
        " A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;, x@z.test");
    REQUIRE(list.m_ok);
    REQUIRE(list.m_mailboxes.size() == 4);
    CHECK(list.m_mailboxes[3].m_domain == "z.test");
    CHECK(parse_address_list(" Undisclosed recipients:;").m_error == "no mailbox");
}

TEST_CASE("RFC 5322 A.5 comments, nested, everywhere") {
    auto list =
        parse_address_list(" Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>");
    REQUIRE(list.m_ok);
    CHECK(list.m_mailboxes[0].m_display_name == "Pete");
    CHECK(list.m_mailboxes[0].address() == "pete@silly.test");
    list = parse_address_list(" (a (nested (comment))) x@(c)ex.test (trailing)");
    REQUIRE(list.m_ok);
    CHECK(list.m_mailboxes[0].m_domain == "ex.test");
}

TEST_CASE("obsolete syntax: route, spaced dots, empty list elements, quoted local part") {
    auto list = parse_address_list(" <@route.test,@other.test:joe@ex.test>");
    REQUIRE(list.m_ok);
    CHECK(list.m_mailboxes[0].address() == "joe@ex.test");
    list = parse_address_list(" ,, john . doe @ ex . test ,");
    REQUIRE(list.m_ok);
    CHECK(list.m_mailboxes[0].address() == "john.doe@ex.test");
    list = parse_address_list(" \"john \\\"q\\\" doe\"@ex.test");
    REQUIRE(list.m_ok);
    CHECK(list.m_mailboxes[0].m_local_part == "\"john \\\"q\\\" doe\"");
}

TEST_CASE("domain literals") {
    auto list = parse_address_list(" user@[192.0.2.1]");
    REQUIRE(list.m_ok);
    CHECK(list.m_mailboxes[0].m_domain_literal);
    CHECK(list.m_mailboxes[0].m_domain == "[192.0.2.1]");
    CHECK(author_domain(" user@[192.0.2.1]").m_error == "author domain is a domain literal");
}

TEST_CASE("IDN: U-labels become A-labels, A-labels stay") {
    CHECK(to_a_label("b\xc3\xbc\x63her.example") == "xn--bcher-kva.example");
    CHECK(to_a_label("XN--BCHER-KVA.example") == "xn--bcher-kva.example");
    CHECK(to_a_label("_domainkey.Example") == "_domainkey.example");
    CHECK_FALSE(to_a_label("\xff\xfe.example").has_value());
    auto list = parse_address_list(" J\xc3\xbcrgen <j\xc3\xbcrgen@b\xc3\xbc\x63her.example>");
    REQUIRE(list.m_ok);
    CHECK(list.m_mailboxes[0].m_domain == "xn--bcher-kva.example");
    CHECK(list.m_mailboxes[0].m_display_name == "J\xc3\xbcrgen");
}

TEST_CASE("errors are values with reasons") {
    CHECK(parse_address_list(" (unterminated x@y.test").m_error == "unterminated comment");
    CHECK(parse_address_list(" \"open@y.test").m_error == "unterminated quoted string");
    CHECK(parse_address_list(" a@[1.2.3.4").m_error == "unterminated domain literal");
    CHECK(parse_address_list(" <a@b.test").m_error == "unterminated angle address");
    CHECK(parse_address_list(" a@b..test").m_error == "empty label in domain");
    CHECK(parse_address_list(" nobody").m_error == "address without '@'");
    CHECK(parse_address_list(" <>").m_error == "empty address");
    CHECK(parse_address_list(" g: h: a@b.test;;").m_error == "group inside a group");
    CHECK(parse_address_list("").m_error == "no mailbox");
    CHECK_FALSE(parse_address_list(std::string(" a@b\0.test", 10)).m_ok);
    CHECK(parse_address_list(" John Doe john@ex.test").m_error ==
          "words in local part not separated by '.'");
    CHECK(parse_address_list(" \"john\" smith@ex.test").m_error ==
          "words in local part not separated by '.'");
}

TEST_CASE("stray dots in a local part are tolerated (mobile-carrier addresses have them)") {
    const auto list = parse_address_list(" john..doe.@ex.test, .x@ex.test");
    REQUIRE(list.m_ok);
    CHECK(list.m_mailboxes[0].m_local_part == "john..doe.");
    CHECK(list.m_mailboxes[1].m_local_part == ".x");
}

TEST_CASE("group members are marked") {
    const auto list = parse_address_list(" a@ex.test, team: b@ex.test, c@ex.test;");
    REQUIRE(list.m_ok);
    REQUIRE(list.m_mailboxes.size() == 3);
    CHECK_FALSE(list.m_mailboxes[0].m_group_member);
    CHECK(list.m_mailboxes[1].m_group_member);
    CHECK(list.m_mailboxes[2].m_group_member);
}

TEST_CASE("deeply nested comments are bounded") {
    const std::string deep = " " + std::string(100000, '(') + "x@y.test";
    CHECK(parse_address_list(deep).m_error == "comments nested too deeply");
}

TEST_CASE("Sender takes exactly one mailbox") {
    CHECK(parse_mailbox(" a@b.test").m_ok);
    CHECK(parse_mailbox(" a@b.test, c@d.test").m_error == "not a single mailbox");
}

TEST_CASE("author domain") {
    CHECK(author_domain(" Joe <joe@Football.Example.com>").m_domain == "football.example.com");
    CHECK(author_domain(" a@x.test, b@X.test").m_domain == "x.test");
    CHECK(author_domain(" a@x.test, b@y.test").m_error == "several author domains");
    CHECK_FALSE(author_domain(" garbage").m_ok);
}
