// sidf_pra_test.cpp - RFC 4407 PRA selection (steps 1 to 6) and step 5's mailbox rules over
// the shared RFC 5322 parser (docs/spf.md lists what changed with the switch).
#include <doctest/doctest.h>

#include "verify/sidf/pra.hpp"

using enma::sidf::find_pra;
using enma::sidf::HeaderField;
using enma::sidf::parse_single_mailbox;

namespace {
std::string pra_of(const std::vector<HeaderField>& headers) {
    const auto pra = find_pra(headers);
    return pra.m_mailbox ? pra.m_header + " " + pra.m_mailbox->to_string()
                         : "none: " + pra.m_reason;
}
}  // namespace

TEST_CASE("single mailbox forms") {
    CHECK(parse_single_mailbox("user@example.com")->to_string() == "user@example.com");
    CHECK(parse_single_mailbox(" John Doe <john@example.com> ")->to_string() == "john@example.com");
    CHECK(parse_single_mailbox("\"Doe, John\" <john@example.com>")->to_string() ==
          "john@example.com");
    CHECK(parse_single_mailbox("john@example.com (John (the) Doe)")->to_string() ==
          "john@example.com");
    CHECK(parse_single_mailbox("<@relay.example:john@example.com>")->m_domain == "example.com");
    CHECK(parse_single_mailbox("\"john smith\"@example.com")->m_local == "\"john smith\"");
}

TEST_CASE("malformed: several mailboxes, groups, no domain name, garbage") {
    CHECK_FALSE(parse_single_mailbox("a@example.com, b@example.com"));
    CHECK_FALSE(parse_single_mailbox("friends: a@example.com;"));
    CHECK_FALSE(parse_single_mailbox("john"));
    CHECK_FALSE(parse_single_mailbox("john@"));
    CHECK_FALSE(parse_single_mailbox("john@[192.0.2.1]"));
    CHECK_FALSE(parse_single_mailbox("John Doe john@example.com"));
    CHECK_FALSE(parse_single_mailbox("<john@example.com"));
    CHECK_FALSE(parse_single_mailbox("john@example..com"));
    CHECK_FALSE(parse_single_mailbox("(unclosed comment john@example.com"));
    CHECK_FALSE(parse_single_mailbox(""));
}

// What the shared parser decides differently from the reader it replaced: each case is the
// RFC's answer (the differential fuzzing run behind docs/spf.md found them).
TEST_CASE("RFC 5322 obsolete forms and RFC 6532 UTF-8 are read; domains come out as A-labels") {
    CHECK(parse_single_mailbox("a . b @ Example.COM")->to_string() == "a.b@example.com");
    CHECK(parse_single_mailbox("User@Example.COM")->to_string() == "User@example.com");
    CHECK(parse_single_mailbox(", a@b.example")->to_string() == "a@b.example");
    CHECK(parse_single_mailbox("=?utf-8?q?J=C3=B6rg?= <j\xc3\xb6rg@b\xc3\xbc"
                               "cher.example>")
              ->to_string() == "j\xc3\xb6rg@xn--bcher-kva.example");
    CHECK(parse_single_mailbox("john.@docomo.example")->m_local == "john.");
}

TEST_CASE("bytes RFC 5322 does not allow in an address are malformed") {
    CHECK_FALSE(parse_single_mailbox("a\\b@example.com"));             // '\' outside quotes
    CHECK_FALSE(parse_single_mailbox("\"Doe\" <;john@example.com>"));  // ';' in the local part
    CHECK_FALSE(parse_single_mailbox("<@relay@relay>"));               // no addr-spec after route
    CHECK_FALSE(parse_single_mailbox("john@exa@example.com"));         // two '@'
    CHECK_FALSE(parse_single_mailbox("\"john\" smith@example.com"));   // words not dot-joined
    CHECK_FALSE(parse_single_mailbox("<=@relay.example:john@example.com>"));
    CHECK_FALSE(parse_single_mailbox("j@b\xff.example"));  // not UTF-8: no IDN
    CHECK_FALSE(parse_single_mailbox("j@ex!ample.com"));   // atext, but no host name
}

TEST_CASE("steps 3 and 4: Sender before From; several of either is ill-formed") {
    CHECK(pra_of({{"From", "a@from.example"}}) == "From a@from.example");
    CHECK(pra_of({{"From", "a@from.example"}, {"Sender", "s@sender.example"}}) ==
          "Sender s@sender.example");
    CHECK(pra_of({{"sender", "  "}, {"FROM", "a@from.example"}}) == "FROM a@from.example");
    CHECK(pra_of({{"Sender", "s@a.example"}, {"Sender", "s@b.example"}, {"From", "a@f.example"}})
              .starts_with("none"));
    CHECK(pra_of({{"From", "a@a.example"}, {"From", "b@b.example"}}).starts_with("none"));
    CHECK(pra_of({{"Subject", "hi"}}).starts_with("none"));
    CHECK(pra_of({{"From", "a@a.example, b@b.example"}}).starts_with("none"));
}

TEST_CASE("steps 1 and 2: Resent-Sender, unless an older resent block than Resent-From") {
    CHECK(pra_of({{"Resent-Sender", "rs@rs.example"},
                  {"Resent-From", "rf@rf.example"},
                  {"From", "a@f.example"}}) == "Resent-Sender rs@rs.example");
    CHECK(pra_of({{"Resent-From", "rf@rf.example"},
                  {"Resent-Sender", "rs@rs.example"},
                  {"From", "a@f.example"}}) == "Resent-Sender rs@rs.example");
    CHECK(pra_of({{"Resent-From", "rf@rf.example"},
                  {"Received", "from x by y"},
                  {"Resent-Sender", "rs@rs.example"},
                  {"From", "a@f.example"}}) == "Resent-From rf@rf.example");
    CHECK(pra_of({{"Resent-From", "rf@rf.example"}, {"Sender", "s@s.example"}}) ==
          "Resent-From rf@rf.example");
    // Step 5: a malformed selected field does not fall back to the next one.
    CHECK(pra_of({{"Resent-From", "not a mailbox"}, {"From", "a@f.example"}}).starts_with("none"));
}
