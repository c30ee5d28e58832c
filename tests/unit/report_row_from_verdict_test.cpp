// report_row_from_verdict_test.cpp - a message's verdict as the report store's row: every
// column from the DMARC evaluation, SPF, DKIM and the envelope; no row without a policy.
#include <doctest/doctest.h>

#include "app/report/row_from_verdict.hpp"
#include "app/report/store_text.hpp"

using namespace enma;
using report::row_from_verdict;

namespace {

pipeline::Verdict failing_verdict() {
    pipeline::Verdict verdict;
    verdict.m_results.push_back({"spf", "hardfail", "", "", {{"smtp", "mailfrom", "a@b"}}});
    verdict.m_results.push_back({"dkim",
                                 "fail",
                                 "",
                                 "body hash did not verify",
                                 {{"header", "d", "news.example"}, {"header", "s", "sel1"}}});
    verdict.m_results.push_back(
        {"dkim", "pass", "", "", {{"header", "d", "other.example"}, {"header", "s", "k2"}}});
    verdict.m_results.push_back({"dkim", "permerror", "", "too many signatures", {}});
    pipeline::DmarcVerdict dmarc;
    auto& out = dmarc.m_output;
    out.m_result = dmarc::DmarcResult::fail;
    out.m_author_domain = "news.example";
    out.m_policy_domain = "example";
    dmarc::DmarcRecord record;
    record.m_p = dmarc::Policy::reject;
    record.m_sp = dmarc::Policy::quarantine;
    record.m_adkim = dmarc::Alignment::strict;
    record.m_testing = true;
    record.m_fo = "1";
    record.m_rua = {"mailto:agg@example", "mailto:x@example.org"};
    record.m_ruf = {"mailto:ruf@example"};
    out.m_record = record;
    out.m_policy = dmarc::Policy::quarantine;
    out.m_disposition = dmarc::Policy::none;
    out.m_security = resolver::Security::secure;
    dmarc.m_spf_domain = "bounce.news.example";
    dmarc.m_spf_scope = "mfrom";
    dmarc.m_override = "policy_test_mode";
    dmarc.m_override_comment = "t=y";
    verdict.m_dmarc = dmarc;
    return verdict;
}

}  // namespace

TEST_CASE("a DMARC fail becomes a row with every column") {
    const auto verdict = failing_verdict();
    const auto row = row_from_verdict({verdict, "192.0.2.7", "<Bounce@Bounce.News.Example>", "",
                                       dmarc::OrgDomainMode::tree_walk, 1700000000});
    REQUIRE(row);
    CHECK(row->m_node.empty());  // the recorder's to set
    CHECK(row->m_received_at == 1700000000);
    CHECK(row->m_source_ip == "192.0.2.7");
    CHECK(row->m_header_from == "news.example");
    CHECK(row->m_envelope_from == "bounce.news.example");
    CHECK(row->m_envelope_to == "");
    CHECK(row->m_policy_domain == "example");
    CHECK(row->m_discovery_method == "treewalk");
    CHECK(row->m_p == "reject");
    CHECK(row->m_sp == "quarantine");
    CHECK(row->m_np == "");
    CHECK(row->m_adkim == "s");
    CHECK(row->m_aspf == "r");
    CHECK(row->m_testing == "y");
    CHECK(row->m_fo == "1");
    CHECK(row->m_rua == "mailto:agg@example,mailto:x@example.org");
    CHECK(row->m_ruf == "mailto:ruf@example");
    CHECK(row->m_dmarc_result == "fail");
    CHECK(row->m_disposition == "none");
    CHECK_FALSE(row->m_dkim_aligned);
    CHECK_FALSE(row->m_spf_aligned);
    CHECK(row->m_override_type == "policy_test_mode");
    CHECK(row->m_override_comment == "t=y");
    CHECK(row->m_spf_domain == "bounce.news.example");
    CHECK(row->m_spf_scope == "mfrom");
    CHECK(row->m_spf_result == "fail");  // hardfail is authresult.spf_hardfail's spelling
    CHECK(row->m_dnssec == "secure");
    REQUIRE(row->m_dkim.size() == 2);  // the summary without d= is not a signature row
    CHECK(row->m_dkim[0].m_domain == "news.example");
    CHECK(row->m_dkim[0].m_selector == "sel1");
    CHECK(row->m_dkim[0].m_result == "fail");
    CHECK(row->m_dkim[0].m_human_result == "body hash did not verify");
    CHECK(row->m_dkim[1].m_domain == "other.example");
    CHECK(row->m_dkim[1].m_result == "pass");
}

TEST_CASE("a DMARC pass is disposition pass; an applied action is what was done") {
    auto verdict = failing_verdict();
    verdict.m_dmarc->m_output.m_result = dmarc::DmarcResult::pass;
    verdict.m_dmarc->m_output.m_dkim_aligned = true;
    auto row = row_from_verdict({verdict, "::1", "", "", dmarc::OrgDomainMode::psl, 1});
    REQUIRE(row);
    CHECK(row->m_disposition == "pass");
    CHECK(row->m_dkim_aligned);
    CHECK(row->m_discovery_method == "psl");
    CHECK(row->m_envelope_from == "");  // the null path
    verdict = failing_verdict();
    verdict.m_dmarc->m_applied = dmarc::Policy::reject;
    row = row_from_verdict({verdict, "::1", "a@b.example", "", dmarc::OrgDomainMode::tree_walk, 1});
    REQUIRE(row);
    CHECK(row->m_disposition == "reject");
}

TEST_CASE("no row without a DMARC evaluation that found a policy record") {
    auto verdict = failing_verdict();
    verdict.m_dmarc->m_output.m_record.reset();
    CHECK_FALSE(row_from_verdict({verdict, "::1", "", "", dmarc::OrgDomainMode::tree_walk, 1}));
    verdict.m_dmarc.reset();
    CHECK_FALSE(row_from_verdict({verdict, "::1", "", "", dmarc::OrgDomainMode::tree_walk, 1}));
    pipeline::Verdict no_spf = failing_verdict();
    no_spf.m_results.erase(no_spf.m_results.begin());
    const auto row = row_from_verdict({no_spf, "::1", "", "", dmarc::OrgDomainMode::tree_walk, 1});
    REQUIRE(row);
    CHECK(row->m_spf_result == "none");
}

TEST_CASE("the domain of an envelope address") {
    CHECK(report::address_domain("<user@Mail.Example.>") == "mail.example");
    CHECK(report::address_domain("a@b@c.example") == "c.example");
    CHECK(report::address_domain("postmaster") == "");
    CHECK(report::address_domain("") == "");
}

TEST_CASE("text from outside is stored as valid UTF-8, without NUL, bounded") {
    CHECK(report::store_text("caf\xc3\xa9") == "caf\xc3\xa9");
    CHECK(report::store_text("a\xff"
                             "b\xc3") == "a?b?");
    CHECK(report::store_text(std::string("a\0b", 3)) == "a?b");
    CHECK(report::store_text("\xed\xa0\x80") == "???");  // a surrogate is not UTF-8
    CHECK(report::store_text("\xf0\x9f\x98\x80") == "\xf0\x9f\x98\x80");
    CHECK(report::store_text(std::string(5000, 'x')).size() == report::kMaxStoreText);
    auto verdict = failing_verdict();
    verdict.m_results[1].m_properties[0].m_value = "bad\xfe.example";
    const auto row = row_from_verdict(
        {verdict, "::1", "x@\xc0\xaf.example", "", dmarc::OrgDomainMode::tree_walk, 1});
    REQUIRE(row);
    CHECK(row->m_dkim[0].m_domain == "bad?.example");
    CHECK(row->m_envelope_from == "??.example");
}

TEST_CASE("envelope_to is the domain of the first RCPT TO, in lower case") {
    const auto verdict = failing_verdict();
    const auto row = row_from_verdict({verdict, "192.0.2.7", "", "<Inbox@Receiver.Example>",
                                       dmarc::OrgDomainMode::tree_walk, 1700000000});
    REQUIRE(row);
    CHECK(row->m_envelope_to == "receiver.example");
    CHECK(row->m_envelope_from == "");  // the null reverse-path
}
