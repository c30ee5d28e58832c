// zone_parser_test.cpp - parse_zone: every master-file construct test data uses, exact records
// out, and syntax errors that name their line.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "tests/support/zone_parser.hpp"

using enma::resolver::IpAddress;
using enma::resolver::kZoneDefaultTtl;
using enma::resolver::MxRecord;
using enma::resolver::parse_zone;
using enma::resolver::RecordData;
using enma::resolver::RrType;
using enma::resolver::ZoneRecord;

namespace {

RecordData ip(const char* text) {
    return *IpAddress::parse(text);
}

ZoneRecord rec(std::string owner, RrType type, std::uint32_t ttl, RecordData data) {
    return ZoneRecord{std::move(owner), type, ttl, std::move(data)};
}

// only - the single record of a one-record zone text.
ZoneRecord only(std::string_view text, std::string_view origin = "example.com") {
    const auto records = parse_zone(text, origin);
    REQUIRE(records.size() == 1);
    return records[0];
}

std::string text_of(const ZoneRecord& record) {
    return std::get<std::string>(record.m_data);
}

}  // namespace

TEST_CASE("origin, @, relative and absolute names, blank owners, TTL and class in any order") {
    const auto records = parse_zone(R"(
$ORIGIN Example.COM.
$TTL 300
@         IN A     192.0.2.1
          600 IN A 192.0.2.2   ; blank owner: still the apex
www       IN 60 AAAA 2001:db8::1
mail.other.test. A 192.0.2.3
          MX    10 mail
$ORIGIN sub
host      TXT   "in sub"
)");
    const std::vector<ZoneRecord> expected{
        rec("Example.COM", RrType::a, 300, ip("192.0.2.1")),
        rec("Example.COM", RrType::a, 600, ip("192.0.2.2")),
        rec("www.Example.COM", RrType::aaaa, 60, ip("2001:db8::1")),
        rec("mail.other.test", RrType::a, 300, ip("192.0.2.3")),
        rec("mail.other.test", RrType::mx, 300, MxRecord{10, "mail.Example.COM"}),
        rec("host.sub.Example.COM", RrType::txt, 300, std::string("in sub")),
    };
    CHECK(records == expected);
}

TEST_CASE("without $TTL a record inherits the last explicit TTL, else the default") {
    const auto records = parse_zone(
        "a.test. A 192.0.2.1\nb.test. 120 A 192.0.2.2\n"
        "c.test. A 192.0.2.3\n$TTL 1h30m\nd.test. A 192.0.2.4\n");
    REQUIRE(records.size() == 4);
    CHECK(records[0].m_ttl == kZoneDefaultTtl);
    CHECK(records[1].m_ttl == 120);
    CHECK(records[2].m_ttl == 120);
    CHECK(records[3].m_ttl == 5400);
    CHECK(only("x 2w1d3h4m5s A 192.0.2.1").m_ttl == 2 * 604800 + 86400 + 3 * 3600 + 4 * 60 + 5);
}

TEST_CASE("the initial origin applies; an empty origin leaves relative names as written") {
    CHECK(only("www A 192.0.2.1", "example.net.").m_owner == "www.example.net");
    CHECK(only("www.example.org A 192.0.2.1", "").m_owner == "www.example.org");
    CHECK(only("@ A 192.0.2.1", "example.net").m_owner == "example.net");
}

TEST_CASE("every modelled type decodes into its RecordData") {
    const auto records = parse_zone(R"(
a      A      192.0.2.1
a      AAAA   2001:DB8::a
a      MX     0 .
a      PTR    ptr.target.test.
a      CNAME  cname
a      NS     ns1
a      SPF    "v=spf1 -all"
a      TYPE99 "v=spf1 +all"
)",
                                    "z.test");
    REQUIRE(records.size() == 8);
    CHECK(records[0].m_data == ip("192.0.2.1"));
    CHECK(records[1].m_data == ip("2001:db8::a"));
    CHECK(records[2].m_data == RecordData(MxRecord{0, ""}));  // null MX (RFC 7505)
    CHECK(records[3].m_data == RecordData(std::string("ptr.target.test")));
    CHECK(records[4].m_data == RecordData(std::string("cname.z.test")));
    CHECK(records[5].m_data == RecordData(std::string("ns1.z.test")));
    CHECK(records[6].m_type == RrType::spf);
    CHECK(text_of(records[6]) == "v=spf1 -all");
    CHECK(records[7].m_type == RrType::spf);
    CHECK(text_of(records[7]) == "v=spf1 +all");
}

TEST_CASE("TXT: several strings joined, escapes decoded, unquoted words allowed") {
    CHECK(text_of(only(R"(t TXT "v=DKIM1; k=rsa; " "p=MIGf" "MA0")")) ==
          "v=DKIM1; k=rsa; p=MIGfMA0");
    CHECK(text_of(only(R"(t TXT "say \"hi\"\\ \059\032x")")) == "say \"hi\"\\ ; x");
    CHECK(text_of(only(R"(t TXT unquoted\032word "")")) == "unquoted word");
    CHECK(text_of(only(R"z(t TXT "semi;colon (paren)")z")) == "semi;colon (paren)");
    CHECK(text_of(only(R"(t TXT "\000\255")")) == std::string("\0\xff", 2));
    CHECK(text_of(only("t TXT \"" + std::string(255, 'x') + "\"")) == std::string(255, 'x'));
}

TEST_CASE("parentheses join lines and comments inside them are ignored") {
    const auto records = parse_zone(R"(
$ORIGIN example.com.
@ IN SOA ns hostmaster (
        2024010101 ; serial
        3600 900 604800 300 )
selector._domainkey IN TXT ( "v=DKIM1; "   ; first part
                             "p=ABC" )
next    A 192.0.2.9
)");
    REQUIRE(records.size() == 3);
    CHECK(records[0].m_type == static_cast<RrType>(6));  // SOA kept as text
    CHECK(text_of(records[0]) == "ns hostmaster 2024010101 3600 900 604800 300");
    CHECK(records[1].m_owner == "selector._domainkey.example.com");
    CHECK(text_of(records[1]) == "v=DKIM1; p=ABC");
    CHECK(records[2] == rec("next.example.com", RrType::a, kZoneDefaultTtl, ip("192.0.2.9")));
}

TEST_CASE("RFC 3597 generic types and rdata") {
    CHECK(only(R"(g TYPE1 \# 4 C0000201)").m_data == ip("192.0.2.1"));
    CHECK(only(R"(g TYPE16 \# 6 02686902 6162)").m_data == RecordData(std::string("hiab")));
    CHECK(text_of(only(R"(g TXT \# 8 03616263 03646566)")) == "abcdef");
    CHECK(only(R"(g MX \# 8 000A 046D61696C 00)").m_data == RecordData(MxRecord{10, "mail"}));
    CHECK(only(R"(g CNAME \# 10 06746172676574 017A 00)").m_data ==
          RecordData(std::string("target.z")));
    const ZoneRecord unknown = only(R"(g TYPE65280 \# 2 ABCD)");
    CHECK(unknown.m_type == static_cast<RrType>(65280));
    CHECK(text_of(unknown) == R"(\# 2 ABCD)");
}

TEST_CASE("wildcard and underscore owners are ordinary names") {
    CHECK(only("*.wild TXT x").m_owner == "*.wild.example.com");
    CHECK(only("_dmarc TXT \"v=DMARC1; p=none\"").m_owner == "_dmarc.example.com");
}

// error_of - the message parse_zone throws for `text`, or "" if it parses.
std::string error_of(std::string_view text) {
    try {
        parse_zone(text, "example.com");
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

TEST_CASE("syntax errors name the line and the reason") {
    CHECK(error_of("a A 192.0.2.1\nb A 192.0.2.300\n") == "line 2: bad IPv4 address '192.0.2.300'");
    CHECK(error_of("a A 2001:db8::1") == "line 1: bad IPv4 address '2001:db8::1'");
    CHECK(error_of("a AAAA 192.0.2.1") == "line 1: bad IPv6 address '192.0.2.1'");
    CHECK(error_of("\n\na BOGUS x") == "line 3: unknown type 'BOGUS'");
    CHECK(error_of("a TYPE0 x") == "line 1: unknown type 'TYPE0'");
    CHECK(error_of("a 1x A 192.0.2.1") == "line 1: bad TTL '1x'");
    CHECK(error_of("a 4294967296 A 192.0.2.1") == "line 1: bad TTL '4294967296'");
    CHECK(error_of("a CH A 192.0.2.1") == "line 1: only class IN is supported");
    CHECK(error_of("a IN") == "line 1: missing type");
    CHECK(error_of("  A 192.0.2.1") == "line 1: blank owner name with no previous owner");
    CHECK(error_of("a TXT \"open\n") == "line 1: line break inside a quoted string");
    CHECK(error_of("a TXT \"open") == "line 1: unterminated quoted string");
    CHECK(error_of("\na TXT ( \"x\"\n\n") == "line 2: '(' is never closed");
    CHECK(error_of("a TXT x )") == "line 1: ')' without '('");
    CHECK(error_of("a TXT \"\\25x\"") == "line 1: \\DDD escape needs three digits");
    CHECK(error_of("a TXT \"\\256\"") == "line 1: \\DDD escape over 255");
    CHECK(error_of("a TXT x\\") == "line 1: backslash at the end of the text");
    CHECK(error_of("a TXT \"" + std::string(256, 'x') + "\"") ==
          "line 1: character-string over 255 octets");
    CHECK(error_of("a TXT") == "line 1: TXT needs at least one character-string");
    CHECK(error_of("a MX mail") == "line 1: MX needs 2 field(s), got 1");
    CHECK(error_of("a MX 65536 mail") == "line 1: bad MX preference '65536'");
    CHECK(error_of("a CNAME \"quoted\"") == "line 1: a domain name cannot be quoted");
    CHECK(error_of("a..b A 192.0.2.1") == "line 1: bad domain name 'a..b'");
    CHECK(error_of(std::string(64, 'l') + " A 192.0.2.1") ==
          "line 1: bad domain name '" + std::string(64, 'l') + "'");
    CHECK(error_of(". A 192.0.2.1") == "line 1: the root cannot own records here");
    CHECK(error_of("$INCLUDE other.zone") == "line 1: unsupported directive $INCLUDE");
    CHECK(error_of("$TTL") == "line 1: $TTL needs 1 field(s), got 0");
    CHECK(error_of("a A \\# 3 C00002") == "line 1: \\# address has the wrong length");
    CHECK(error_of("a TXT \\# 2 0561") == "line 1: \\# rdata too short for its type");
    CHECK(error_of("a TXT \\# 3 016162") == "line 1: \\# rdata too short for its type");
    CHECK(error_of("a MX \\# 4 0001 00FF") == "line 1: \\# rdata longer than its type allows");
    CHECK(error_of("a TXT \\# 2 0G61") == "line 1: \\# data is not hex");
    CHECK(error_of("a TXT \\# 2 016") == "line 1: \\# data has an odd number of hex digits");
    CHECK(error_of("a TXT \\# 3 0161") == "line 1: \\# length does not match its data");
}

TEST_CASE("@ needs an origin") {
    try {
        parse_zone("@ A 192.0.2.1");
        FAIL("no exception");
    } catch (const std::invalid_argument& e) {
        CHECK(std::string(e.what()) == "line 1: '@' used without an origin");
    }
}

TEST_CASE("empty text, comments and blank lines give no records") {
    CHECK(parse_zone("").empty());
    CHECK(parse_zone("; only a comment\n\n   \n\t; indented comment\r\n").empty());
}

TEST_CASE("CRLF line ends parse like LF") {
    const auto records = parse_zone("a A 192.0.2.1\r\n  TXT \"x\"\r\n", "example.com");
    REQUIRE(records.size() == 2);
    CHECK(records[1].m_owner == "a.example.com");
    CHECK(text_of(records[1]) == "x");
}
