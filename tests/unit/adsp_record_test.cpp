// adsp_record_test.cpp - RFC 5617 4.2.1 record syntax: the three practices, extensions,
// unknown tags, and what makes a record malformed.
#include <doctest/doctest.h>

#include "verify/adsp/adsp_record.hpp"

using enma::adsp::AdspPractice;
using enma::adsp::parse_adsp_record;

TEST_CASE("the three practices") {
    CHECK(parse_adsp_record("dkim=unknown").m_practice == AdspPractice::unknown);
    CHECK(parse_adsp_record("dkim=all").m_practice == AdspPractice::all);
    CHECK(parse_adsp_record("dkim=discardable").m_practice == AdspPractice::discardable);
    CHECK(parse_adsp_record("dkim=all").m_ok);
}

TEST_CASE("WSP around tags and values, and a final semicolon") {
    const auto record = parse_adsp_record("dkim \t= all ;");
    CHECK(record.m_ok);
    CHECK(record.m_practice == AdspPractice::all);
}

TEST_CASE("an x-adsp-dkim-tag value is treated as unknown") {
    const auto record = parse_adsp_record("dkim=some-future2");
    CHECK(record.m_ok);
    CHECK(record.m_practice == AdspPractice::unknown);
}

TEST_CASE("tags after dkim are ignored") {
    const auto record = parse_adsp_record("dkim=discardable; x=anything goes; t=y");
    CHECK(record.m_ok);
    CHECK(record.m_practice == AdspPractice::discardable);
}

TEST_CASE("malformed records") {
    for (const char* text :
         {"", " dkim=all", "DKIM=all", "t=y; dkim=all", "dkimx=all", "dkim=all; dkim=discardable",
          "dkim=", "dkim=all-", "dkim=-all", "dkim=all discardable", "dkim=a;;", "dkim=all; =x",
          "dkim=all; 1x=y", "dkim=all\r\n", "dkim=al\x01l", "dkim all", "dkim=all; x=\xff"}) {
        CAPTURE(text);
        const auto record = parse_adsp_record(text);
        CHECK_FALSE(record.m_ok);
        CHECK_FALSE(record.m_error.empty());
    }
}

TEST_CASE("values are case-sensitive: other spellings are extensions") {
    const auto record = parse_adsp_record("dkim=ALL");
    CHECK(record.m_ok);
    CHECK(record.m_practice == AdspPractice::unknown);
}
