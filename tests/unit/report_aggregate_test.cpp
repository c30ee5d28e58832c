// report_aggregate_test.cpp - a week of synthetic rows into RFC 9990 aggregate reports: the
// records and counts, the XML (escaped, deterministic, valid against the RFC's schema by
// xmllint), the gzip, the file name and the message form.
#include <doctest/doctest.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include "app/enma-report/aggregate_report.hpp"
#include "app/enma-report/feedback_xml.hpp"
#include "app/enma-report/gzip.hpp"
#include "app/enma-report/report_message.hpp"
#include "app/enma-report/xml_writer.hpp"

using namespace enma::report;

namespace {

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kFirstDay = 1795651200;  // 2026-11-26 00:00:00 UTC (a Thursday)

ReporterInfo reporter() {
    return {"Example Receiver <&> Co", "dmarc-reports@receiver.example",
            "https://receiver.example/dmarc", "receiver.example", "enma 9.9"};
}

MessageRow row(std::int64_t at, std::string ip, bool aligned) {
    MessageRow r;
    r.m_node = "mx1";
    r.m_seq = at;
    r.m_received_at = at;
    r.m_source_ip = std::move(ip);
    r.m_header_from = "example.com";
    r.m_envelope_from = aligned ? "example.com" : "bounce.other.example";
    r.m_envelope_to = "receiver.example";
    r.m_policy_domain = "example.com";
    r.m_discovery_method = "treewalk";
    r.m_p = "reject";
    r.m_np = "quarantine";
    r.m_adkim = "r";
    r.m_aspf = "r";
    r.m_testing = "n";
    r.m_fo = "0";
    r.m_rua = "mailto:dmarc@example.com";
    r.m_dmarc_result = aligned ? "pass" : "fail";
    r.m_disposition = aligned ? "pass" : "reject";
    r.m_dkim_aligned = aligned;
    r.m_spf_aligned = aligned;
    r.m_spf_domain = r.m_envelope_from;
    r.m_spf_scope = "mfrom";
    r.m_spf_result = aligned ? "pass" : "fail";
    r.m_dnssec = "secure";
    if (aligned)
        r.m_dkim.push_back({"example.com", "sel1", "pass", ""});
    return r;
}

// week - day d (0..6) has d+1 aligned messages from 192.0.2.1 and 2 failing ones from
// 2001:db8::25, in an order shuffled by a fixed seed.
std::vector<MessageRow> week() {
    std::vector<MessageRow> rows;
    for (std::int64_t d = 0; d < 7; ++d) {
        for (std::int64_t i = 0; i <= d; ++i)
            rows.push_back(row(kFirstDay + d * kDay + 100 * i, "192.0.2.1", true));
        rows.push_back(row(kFirstDay + d * kDay + 5000, "2001:db8::25", false));
        rows.push_back(row(kFirstDay + d * kDay + 5001, "2001:DB8:0:0::25", false));
    }
    return rows;
}

AggregateReport report_for_day(const std::vector<MessageRow>& rows, std::int64_t day) {
    const Period period{kFirstDay + day * kDay, kFirstDay + (day + 1) * kDay};
    Aggregator aggregator;
    for (const auto& r : rows)
        if (r.m_received_at >= period.m_begin && r.m_received_at < period.m_end)
            aggregator.add(r);
    return aggregator.finish(reporter(), period);
}

std::string gunzip(const std::string& data) {
    z_stream stream{};
    REQUIRE(inflateInit2(&stream, 15 + 16) == Z_OK);
    std::string out(1 << 20, '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    CHECK(inflate(&stream, Z_FINISH) == Z_STREAM_END);
    out.resize(stream.total_out);
    inflateEnd(&stream);
    return out;
}

// xmllint_valid - whether xmllint accepts `xml` against the RFC 9990 schema in tests/data.
bool xmllint_valid(const std::string& xml, const std::string& name) {
    const char* source = std::getenv("ENMA_SOURCE_DIR");
    REQUIRE(source != nullptr);
    const auto path = std::filesystem::temp_directory_path() /
                      ("enma-report-" + name + "-" + std::to_string(::getpid()) + ".xml");
    std::ofstream(path) << xml;
    const auto log = path.string() + ".log";
    const std::string command = "xmllint --noout --schema " + std::string(source) +
                                "/tests/data/dmarc-aggregate-rfc9990.xsd " + path.string() + " >" +
                                log + " 2>&1";
    const int status = std::system(command.c_str());
    std::ifstream in(log);
    const std::string output((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
    MESSAGE("xmllint: ", output);
    std::filesystem::remove(path);
    std::filesystem::remove(log);
    return status == 0 && output.find(" validates") != std::string::npos;
}

std::size_t occurrences(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

}  // namespace

TEST_CASE("a week of rows gives one report a day with the expected records and counts") {
    const auto rows = week();
    for (std::int64_t d = 0; d < 7; ++d) {
        CAPTURE(d);
        const auto report = report_for_day(rows, d);
        REQUIRE(report.m_records.size() == 2);
        // Sorted by key: "192.0.2.1" < "2001:db8::25"; both spellings of the v6 address fold.
        CHECK(report.m_records[0].first.m_source_ip == "192.0.2.1");
        CHECK(report.m_records[0].second == d + 1);
        CHECK(report.m_records[0].first.m_disposition == "pass");
        CHECK(report.m_records[1].first.m_source_ip == "2001:db8::25");
        CHECK(report.m_records[1].second == 2);
        CHECK(report.m_records[1].first.m_disposition == "reject");
        CHECK(report.m_messages == d + 3);
        CHECK(report.m_report_id ==
              std::to_string(kFirstDay + d * kDay) + ".example.com@receiver.example");
        const std::string xml = feedback_xml(report);
        CHECK(occurrences(xml, "<record>") == 2);
        CHECK(xml.find("<count>" + std::to_string(d + 1) + "</count>") != std::string::npos);
        CHECK(xml.find("<end>" + std::to_string(kFirstDay + (d + 1) * kDay - 1) + "</end>") !=
              std::string::npos);
        CHECK(xmllint_valid(xml, "day" + std::to_string(d)));
    }
}

TEST_CASE("the XML is the same whatever order the rows come in") {
    auto rows = week();
    const std::string first = feedback_xml(report_for_day(rows, 6));
    std::mt19937 random(42);
    std::shuffle(rows.begin(), rows.end(), random);
    // The policy is the last row's: keep one policy so only the order differs.
    CHECK(feedback_xml(report_for_day(rows, 6)) == first);
}

TEST_CASE("the XML holds the expected elements, escaped") {
    const std::string xml = feedback_xml(report_for_day(week(), 0));
    CHECK(
        xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feedback "
                        "xmlns=\"urn:ietf:params:xml:ns:dmarc-2.0\">\n  <version>1.0</version>\n"));
    CHECK(xml.find("<org_name>Example Receiver &lt;&amp;&gt; Co</org_name>") != std::string::npos);
    CHECK(xml.find("<policy_published>\n    <domain>example.com</domain>\n    "
                   "<discovery_method>treewalk</discovery_method>\n    <adkim>r</adkim>\n    "
                   "<aspf>r</aspf>\n    <p>reject</p>\n    <sp>reject</sp>\n    "
                   "<np>quarantine</np>\n    <testing>n</testing>\n    <fo>0</fo>\n  "
                   "</policy_published>") != std::string::npos);
    CHECK(xml.find("      <dkim>\n        <domain>example.com</domain>\n        "
                   "<selector>sel1</selector>\n        <result>pass</result>\n      </dkim>\n") !=
          std::string::npos);
    CHECK(xml.find("<envelope_from>bounce.other.example</envelope_from>") != std::string::npos);
    CHECK(xml.find("</date_range>\n    <generator>enma 9.9</generator>\n  </report_metadata>") !=
          std::string::npos);
}

TEST_CASE("odd store values are normalised and still validate") {
    auto r = row(kFirstDay, "::ffff:198.51.100.7", false);
    r.m_disposition = "discard";
    r.m_override_type = "forwarded-by-friend";
    r.m_override_comment = "list <x>";
    r.m_spf_result = "hardfail";
    r.m_spf_scope = "";
    r.m_sp = "";
    r.m_np = "bogus";  // not a policy: left out
    r.m_header_from = "Example.COM";
    r.m_dkim.push_back({"evil.example", "s\x01<1>\xff", "bogus", "why & how"});
    auto bad = row(kFirstDay + 1, "not an address", true);
    bad.m_np = "bogus";  // the policy is the last row's
    Aggregator aggregator;
    aggregator.add(r);
    aggregator.add(bad);
    const auto report = aggregator.finish(reporter(), {kFirstDay, kFirstDay + kDay});
    REQUIRE(report.m_records.size() == 1);
    CHECK(report.m_unreported == 1);
    const auto& key = report.m_records[0].first;
    CHECK(key.m_source_ip == "198.51.100.7");
    CHECK(key.m_disposition == "none");
    CHECK(key.m_override_type == "other");
    CHECK(key.m_override_comment == "forwarded-by-friend: list <x>");
    CHECK(key.m_spf_result == "none");
    CHECK(key.m_header_from == "example.com");
    CHECK(key.m_dkim[0].m_result == "none");
    const std::string xml = feedback_xml(report);
    CHECK(xml.find("<selector>s&lt;1&gt;\xEF\xBF\xBD</selector>") != std::string::npos);
    CHECK(xml.find("<np>") == std::string::npos);
    CHECK(
        xml.find("<error>1 message(s) without a usable client address are not reported</error>") !=
        std::string::npos);
    CHECK(xmllint_valid(xml, "odd"));
}

TEST_CASE("DKIM signatures are ordered as RFC 9990 prefers and capped at 100") {
    auto r = row(kFirstDay, "192.0.2.9", true);
    r.m_dkim.clear();
    r.m_dkim.push_back({"other.example", "a", "fail", ""});
    r.m_dkim.push_back({"esp.example", "b", "pass", ""});
    r.m_dkim.push_back({"mail.example.com", "c", "pass", ""});
    r.m_dkim.push_back({"example.com", "d", "pass", ""});
    for (int i = 0; i < 120; ++i)
        r.m_dkim.push_back({"x.example", "s" + std::to_string(i), "fail", ""});
    Aggregator aggregator;
    aggregator.add(r);
    const auto report = aggregator.finish(reporter(), {kFirstDay, kFirstDay + kDay});
    const auto& dkim = report.m_records.at(0).first.m_dkim;
    REQUIRE(dkim.size() == 100);
    CHECK(dkim[0].m_selector == "d");
    CHECK(dkim[1].m_selector == "c");
    CHECK(dkim[2].m_selector == "b");
    CHECK(dkim[3].m_selector == "a");
}

TEST_CASE("escape_text keeps valid UTF-8 and drops what XML 1.0 forbids") {
    CHECK(escape_text("a'b\"c") == "a&apos;b&quot;c");
    CHECK(escape_text("caf\xC3\xA9") == "caf\xC3\xA9");
    CHECK(escape_text("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong '/'
    CHECK(escape_text("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
    CHECK(escape_text(std::string("a\0b\x1b\tc", 6)) == "ab\tc");
}

TEST_CASE("gzip round-trips and is the same bytes on every run") {
    const std::string xml = feedback_xml(report_for_day(week(), 3));
    const std::string gz = gzip_compress(xml);
    CHECK(gz.substr(0, 2) == "\x1f\x8b");
    CHECK(gz.substr(4, 4) == std::string(4, '\0'));  // MTIME 0
    CHECK(gzip_compress(xml) == gz);
    CHECK(gunzip(gz) == xml);
    CHECK(gz.size() < xml.size());
}

TEST_CASE("file name, Subject and the message follow RFC 9990") {
    const auto report = report_for_day(week(), 0);
    CHECK(report_filename(report) == "receiver.example!example.com!1795651200!1795737599.xml.gz");
    CHECK(report_subject(report) ==
          "Report Domain: example.com\r\n Submitter: receiver.example\r\n Report-ID: "
          "<1795651200.example.com@receiver.example>");
    const std::string gz = gzip_compress(feedback_xml(report));
    const std::string message = report_message(
        report, gz, {"dmarc-reports@receiver.example", "dmarc@example.com", 1795740000});
    CHECK(
        message.starts_with("From: dmarc-reports@receiver.example\r\nTo: dmarc@example.com\r\n"
                            "Subject: Report Domain: example.com\r\n"));
    CHECK(message.find("Date: Fri, 27 Nov 2026 00:40:00 +0000\r\n") != std::string::npos);
    CHECK(message.find("Message-ID: <1795651200.example.com@receiver.example>\r\n") !=
          std::string::npos);
    CHECK(message.find("Content-Type: application/gzip; name=\"" + report_filename(report) +
                       "\"\r\n") != std::string::npos);
    CHECK(message.find(base64_lines(gz)) != std::string::npos);
    CHECK(message.ends_with("--\r\n"));
    CHECK(message.find('\n') == message.find("\r\n") + 1);
}

TEST_CASE("base64_lines follows RFC 4648 and breaks lines at 76") {
    CHECK(base64_lines("") == "");
    CHECK(base64_lines("f") == "Zg==\r\n");
    CHECK(base64_lines("fo") == "Zm8=\r\n");
    CHECK(base64_lines("foobar") == "Zm9vYmFy\r\n");
    const std::string lines = base64_lines(std::string(57 * 2 + 1, 'a'));
    CHECK(lines.find("\r\n") == 76);
    CHECK(lines.size() == 76 + 2 + 76 + 2 + 4 + 2);
}
