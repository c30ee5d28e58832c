// report_uri_test.cpp - rua= / ruf= lists: what enma sends to and what it skips.
#include <doctest/doctest.h>

#include "app/report/report_uri.hpp"

using enma::report::parse_report_uris;

TEST_CASE("mailto URIs with and without size limits") {
    const auto list =
        parse_report_uris(" mailto:dmarc@Example.COM , mailto:agg%2Bx@reports.example.net!10m,");
    REQUIRE(list.m_uris.size() == 2);
    CHECK(list.m_skipped.empty());
    CHECK(list.m_uris[0].m_uri == "mailto:dmarc@Example.COM");
    CHECK(list.m_uris[0].m_address == "dmarc@example.com");
    CHECK(list.m_uris[0].m_host == "example.com");
    CHECK_FALSE(list.m_uris[0].m_max_size.has_value());
    CHECK(list.m_uris[1].m_address == "agg+x@reports.example.net");
    CHECK(list.m_uris[1].m_max_size == 10u << 20);
}

TEST_CASE("size units are powers of two; a bad unit skips the URI") {
    CHECK(parse_report_uris("mailto:a@b.example!512").m_uris.at(0).m_max_size == 512u);
    CHECK(parse_report_uris("mailto:a@b.example!2k").m_uris.at(0).m_max_size == 2048u);
    CHECK(parse_report_uris("mailto:a@b.example!1g").m_uris.at(0).m_max_size == 1ull << 30);
    CHECK(parse_report_uris("mailto:a@b.example!1x").m_skipped.size() == 1);
    CHECK(parse_report_uris("mailto:a@b.example!99999999999999999999t").m_skipped.size() == 1);
}

TEST_CASE("anything that could reach a header line or a program is skipped") {
    const auto list = parse_report_uris(
        "https://example.com/"
        "r,mailto:a@b.example?subject=x,mailto:a%0d%0aBcc:x@y.example@b.example,"
        "mailto:|cmd@b.example,mailto:a@b_c.example,mailto:a b@c.example,mailto:@b.example,"
        "mailto:a@,mailto:a%zz@b.example,mailto:\"q\"@b.example,mailto:a..b@c.example");
    CHECK(list.m_uris.empty());
    REQUIRE(list.m_skipped.size() == 11);
    CHECK(list.m_skipped[0] == "https://example.com/r: not a mailto: URI");
    CHECK(list.m_skipped[1] ==
          "mailto:a@b.example?subject=x: mailto: header fields are not supported");
    CHECK(list.m_skipped[2].ends_with(": bad address"));
}
