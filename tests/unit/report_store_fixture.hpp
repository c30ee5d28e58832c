// report_store_fixture.hpp - the rows and the expectations every ReportStore must meet,
// shared by the SQLite and PostgreSQL tests so that both stores are held to one contract.
#pragma once

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "app/report/report_store.hpp"

namespace enma::report::testing {

// sample_row - a message of `domain` from `node` at `time`, with `dkim` signatures.
inline MessageRow sample_row(std::string node, std::int64_t seq, std::int64_t time,
                             std::string domain, int dkim) {
    MessageRow row;
    row.m_node = std::move(node);
    row.m_seq = seq;
    row.m_received_at = time;
    row.m_source_ip = seq % 2 ? "192.0.2.1" : "2001:db8::25";
    row.m_header_from = domain;
    row.m_envelope_from = seq % 3 ? "bounce." + domain : "";
    row.m_envelope_to = "example.net";
    row.m_policy_domain = domain;
    row.m_discovery_method = "treewalk";
    row.m_p = "reject";
    row.m_sp = seq % 2 ? "quarantine" : "";
    row.m_adkim = "r";
    row.m_aspf = "s";
    row.m_testing = "n";
    row.m_fo = "1:d";
    row.m_rua = "mailto:dmarc@" + domain + ",mailto:x@example.org";
    row.m_dmarc_result = dkim > 0 ? "pass" : "fail";
    row.m_disposition = dkim > 0 ? "pass" : "reject";
    row.m_dkim_aligned = dkim > 0;
    row.m_spf_aligned = seq % 2 == 1;
    row.m_override_type = seq % 5 == 0 ? "local_policy" : "";
    row.m_override_comment = seq % 5 == 0 ? "exempt: 'quoted' \"text\" \xc3\xa9" : "";
    row.m_spf_domain = "bounce." + domain;
    row.m_spf_scope = "mfrom";
    row.m_spf_result = "softfail";
    row.m_dnssec = "insecure";
    for (int i = 0; i < dkim; ++i)
        row.m_dkim.push_back({"d" + std::to_string(i) + "." + domain, "s" + std::to_string(i),
                              i == 0 ? "pass" : "fail", i == 0 ? "" : "signature did not verify"});
    return row;
}

// sample_rows - three policy domains whose byte order differs from a locale's
// ("a-b." < "a." < "ab."), three nodes sharing a time ("Mx.1" < "mx-1" < "mx1"), messages
// with 0 to 12 signatures.
inline std::vector<MessageRow> sample_rows() {
    std::vector<MessageRow> rows;
    const std::vector<std::string> nodes{"mx1", "mx-1", "Mx.1"};
    const std::vector<std::string> domains{"ab.example", "a-b.example", "a.example"};
    for (int i = 0; i < 30; ++i)
        rows.push_back(sample_row(nodes[i % 3], 1000 + i, 86400 + (i / 3) * 600,
                                  domains[(i / 2) % 3], i % 4 == 3 ? 12 : i % 3));
    // At one time, sequence order against node order.
    rows.push_back(sample_row("mx1", 1, 95000, "ab.example", 1));
    rows.push_back(sample_row("mx-1", 2, 95000, "ab.example", 1));
    rows.push_back(sample_row("Mx.1", 3, 95000, "ab.example", 1));
    return rows;
}

// describe - a row as one line, every column, for comparing stores.
inline std::string describe(const MessageRow& r) {
    std::string text = fmt::format(
        "{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}",
        r.m_node, r.m_seq, r.m_received_at, r.m_source_ip, r.m_header_from, r.m_envelope_from,
        r.m_envelope_to, r.m_policy_domain, r.m_discovery_method, r.m_p, r.m_sp, r.m_np, r.m_adkim,
        r.m_aspf, r.m_testing, r.m_fo, r.m_rua, r.m_ruf, r.m_dmarc_result, r.m_disposition,
        r.m_dkim_aligned, r.m_spf_aligned, r.m_override_type, r.m_override_comment, r.m_spf_domain,
        r.m_spf_scope, r.m_spf_result, r.m_dnssec);
    for (const auto& d : r.m_dkim)
        text +=
            fmt::format(" [{}|{}|{}|{}]", d.m_domain, d.m_selector, d.m_result, d.m_human_result);
    return text;
}

inline std::vector<std::string> messages_of(ReportStore& store, std::string_view domain,
                                            std::int64_t begin, std::int64_t end) {
    std::vector<std::string> lines;
    store.for_each_message(domain, begin, end,
                           [&](const MessageRow& row) { lines.push_back(describe(row)); });
    return lines;
}

// check_contract - the expectations on a fresh store; returns a transcript of every answer
// for comparison with another store.
inline std::string check_contract(ReportStore& store) {
    std::string transcript;
    const auto rows = sample_rows();
    store.append(std::span(rows).first(10));
    store.append(std::span(rows).subspan(10));
    store.append(std::span(rows).subspan(28));  // a retried batch changes nothing
    const auto domains = store.policy_domains(0, 1'000'000);
    CHECK(domains == std::vector<std::string>{"a-b.example", "a.example", "ab.example"});
    CHECK(store.policy_domains(86400, 86400 + 600) ==
          std::vector<std::string>{"a-b.example", "ab.example"});
    CHECK(store.policy_domains(0, 86400).empty());
    transcript += fmt::format("domains {}\n", fmt::join(domains, ","));
    // (received_at, node, seq), nodes in byte order.
    const auto ab = messages_of(store, "ab.example", 0, 1'000'000);
    REQUIRE(ab.size() == 13);
    CHECK(ab[0].starts_with("mx-1|1001|86400|192.0.2.1|ab.example|bounce.ab.example|"));
    CHECK(ab[1].starts_with("mx1|1000|86400|2001:db8::25|ab.example|bounce.ab.example|"));
    CHECK(ab[2].starts_with("mx-1|1007|87600|"));
    CHECK(ab[10].starts_with("Mx.1|3|95000|192.0.2.1|ab.example||example.net|"));
    CHECK(ab[11].starts_with("mx-1|2|95000|"));
    CHECK(ab[12].starts_with("mx1|1|95000|"));
    for (const auto& domain : domains)
        for (const auto& line : messages_of(store, domain, 0, 1'000'000))
            transcript += line + "\n";
    // Every column and every DKIM row comes back as it went in.
    std::vector<std::string> expected;
    for (const auto& row : rows)
        if (row.m_policy_domain == "a.example")
            expected.push_back(describe(row));
    auto got = messages_of(store, "a.example", 0, 1'000'000);
    std::sort(expected.begin(), expected.end());
    std::sort(got.begin(), got.end());
    CHECK(got == expected);
    const auto twelve = messages_of(store, "a-b.example", 86400 + 600, 86400 + 1200);
    REQUIRE(twelve.size() == 1);
    CHECK(twelve[0].find(" [d11.a-b.example|s11|fail|signature did not verify]") !=
          std::string::npos);
    // was_sent / mark_sent: the key is (policy domain, period begin, destination).
    CHECK_FALSE(store.was_sent("a.example", 86400, "mailto:dmarc@a.example"));
    store.mark_sent({"a.example", 86400, 172800, "mailto:dmarc@a.example", "r1", 172900, "failed"});
    store.mark_sent({"a.example", 86400, 172800, "mailto:dmarc@a.example", "r2", 173000, "sent"});
    CHECK(store.was_sent("a.example", 86400, "mailto:dmarc@a.example"));
    CHECK_FALSE(store.was_sent("a.example", 86400, "mailto:other@a.example"));
    CHECK_FALSE(store.was_sent("a.example", 0, "mailto:dmarc@a.example"));
    // purge_before: the messages before the time go, with their DKIM rows.
    CHECK(store.purge_before(86400 + 1200) == 6);
    CHECK(store.purge_before(86400 + 1200) == 0);
    CHECK(messages_of(store, "ab.example", 0, 1'000'000).size() == 11);
    CHECK(store.policy_domains(0, 86400 + 1200).empty());
    store.append(std::span(rows).first(3));  // the purged rows' keys are free again
    CHECK(store.policy_domains(0, 86400 + 1200) ==
          std::vector<std::string>{"a-b.example", "ab.example"});
    for (const auto& line : messages_of(store, "ab.example", 0, 1'000'000))
        transcript += line + "\n";
    transcript += fmt::format("purged {}\n", store.purge_before(1'000'000));
    return transcript;
}

// TempDir - a fresh directory, removed at the end.
struct TempDir {
    std::filesystem::path m_path;
    TempDir() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "enma-report-XXXXXX").string();
        REQUIRE(mkdtemp(pattern.data()) != nullptr);
        m_path = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
};

}  // namespace enma::report::testing
