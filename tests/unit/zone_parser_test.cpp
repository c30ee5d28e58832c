// zone_parser_test.cpp - parse_zone (ldns, then the product's RDATA decoder): every master-file
// construct test data uses, exact records out, and errors that name their line.
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
    REQUIRE(record.m_data);
    return std::get<std::string>(*record.m_data);
}

}  // namespace

TEST_CASE("origin, @, relative and absolute names, blank owners, TTL and class") {
    const auto records = parse_zone(R"(
$ORIGIN Example.COM.
$TTL 300
@         IN A     192.0.2.1
          600 IN A 192.0.2.2   ; blank owner: still the apex
www       60 IN AAAA 2001:db8::1
mail.other.test. A 192.0.2.3
          MX    10 mail
$ORIGIN sub.example.com.
host      TXT   "in sub"
)");
    const std::vector<ZoneRecord> expected{
        rec("Example.COM", RrType::a, 300, ip("192.0.2.1")),
        rec("Example.COM", RrType::a, 600, ip("192.0.2.2")),
        rec("www.Example.COM", RrType::aaaa, 60, ip("2001:db8::1")),
        rec("mail.other.test", RrType::a, 300, ip("192.0.2.3")),
        rec("mail.other.test", RrType::mx, 300, MxRecord{10, "mail.Example.COM"}),
        rec("host.sub.example.com", RrType::txt, 300, std::string("in sub")),
    };
    CHECK(records == expected);
}

TEST_CASE("without a TTL a record takes $TTL, else the default; BIND units") {
    const auto records = parse_zone(
        "a.test. A 192.0.2.1\nb.test. 120 A 192.0.2.2\n"
        "c.test. A 192.0.2.3\n$TTL 1h30m\nd.test. A 192.0.2.4\n");
    REQUIRE(records.size() == 4);
    CHECK(records[0].m_ttl == kZoneDefaultTtl);
    CHECK(records[1].m_ttl == 120);
    CHECK(records[2].m_ttl == kZoneDefaultTtl);
    CHECK(records[3].m_ttl == 5400);
    CHECK(only("x 2w1d3h4m5s A 192.0.2.1").m_ttl == 2 * 604800 + 86400 + 3 * 3600 + 4 * 60 + 5);
}

TEST_CASE("the initial origin applies; an empty origin is the root") {
    CHECK(only("www A 192.0.2.1", "example.net.").m_owner == "www.example.net");
    CHECK(only("www.example.org A 192.0.2.1", "").m_owner == "www.example.org");
    CHECK(only("@ A 192.0.2.1", "example.net").m_owner == "example.net");
}

TEST_CASE("every decoded type yields the decoder's RecordData") {
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
    CHECK(text_of(only(R"(t TXT "")")) == "");  // one empty string: data, not absence
}

TEST_CASE("a TXT record without any character-string has no data, as production ignores it") {
    const ZoneRecord empty = only(R"(t TXT \# 0)");
    CHECK(empty.m_owner == "t.example.com");
    CHECK(empty.m_type == RrType::txt);
    CHECK_FALSE(empty.m_data);
}

TEST_CASE("parentheses join lines; types the decoder does not know keep only their owner") {
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
    CHECK(records[0].m_owner == "example.com");
    CHECK(records[0].m_type == static_cast<RrType>(6));
    CHECK_FALSE(records[0].m_data);
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
    CHECK_FALSE(unknown.m_data);
}

TEST_CASE("names are rendered as the product's decoder renders them") {
    CHECK(only("*.wild TXT x").m_owner == "*.wild.example.com");
    CHECK(only("_dmarc TXT \"v=DMARC1; p=none\"").m_owner == "_dmarc.example.com");
    CHECK(only(R"(a\.b A 192.0.2.1)").m_owner == R"(a\.b.example.com)");
    CHECK(only(R"(a CNAME x\032y)").m_data == RecordData(std::string(R"(x\032y.example.com)")));
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

TEST_CASE("errors name the line and the reason") {
    const std::string rdata = "Syntax error, could not parse the RR's rdata";
    CHECK(error_of("a A 192.0.2.1\nb A 192.0.2.300\n") == "line 2: " + rdata);
    CHECK(error_of("a A 192.0.2.1\n\nb A 192.0.2.300") == "line 3: " + rdata);
    CHECK(error_of("a A 2001:db8::1") == "line 1: " + rdata);
    CHECK(error_of("a AAAA 192.0.2.1") == "line 1: " + rdata);
    CHECK(error_of("a MX mail") == "line 1: " + rdata);
    CHECK(error_of("\n\na BOGUS x") == "line 3: " + rdata);
    CHECK(error_of("a CH A 192.0.2.1") == "line 1: only class IN is supported");
    CHECK(error_of("a..b A 192.0.2.1") == "line 1: Syntax error, could not parse the RR");
    CHECK(error_of(". A 192.0.2.1") == "line 1: the root cannot own records here");
    CHECK(error_of("$INCLUDE other.zone") == "line 1: $INCLUDE directive was seen in the zone");
    CHECK(error_of("a TXT \"" + std::string(256, 'x') + "\"") == "line 1: " + rdata);
    CHECK(error_of("a TXT") == "line 1: Syntax error, value expected");
    CHECK(error_of("a TXT \\# 2 0561") == "line 1: Packet size overflow");
    CHECK(error_of(std::string("a A 192.0.2.1\nb TXT \"\0\"", 23)) ==
          "line 2: NUL byte in zone text");
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
