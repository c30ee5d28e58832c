// report_failure_test.cpp - RFC 9991 failure reports: fo= decisions, redaction, the rate
// limit per domain and the AFRF message.
#include <doctest/doctest.h>

#include "app/report/failure_report.hpp"

using namespace enma::report;

namespace {

MessageRow failing_row(std::string fo) {
    MessageRow row;
    row.m_seq = 7;
    row.m_received_at = 1795651200;
    row.m_source_ip = "192.0.2.66";
    row.m_header_from = "example.com";
    row.m_envelope_from = "bounce.example.net";
    row.m_envelope_to = "receiver.example";
    row.m_policy_domain = "example.com";
    row.m_fo = std::move(fo);
    row.m_ruf = "mailto:ruf@example.com";
    row.m_dmarc_result = "fail";
    row.m_disposition = "reject";
    row.m_spf_result = "pass";
    row.m_dkim.push_back({"example.com", "sel", "fail", "body hash mismatch"});
    return row;
}

}  // namespace

TEST_CASE("fo= decides which failures are reported") {
    auto row = failing_row("");
    CHECK(wants_failure_report(row));  // fo=0 by default: nothing aligned passed
    row.m_spf_aligned = true;
    CHECK_FALSE(wants_failure_report(row));
    row.m_fo = "1";
    CHECK(wants_failure_report(row));  // DKIM did not give an aligned pass
    row.m_fo = "s";
    CHECK_FALSE(wants_failure_report(row));  // SPF passed
    row.m_fo = "0 : d";
    CHECK(wants_failure_report(row));  // a signature failed
    row.m_dkim.clear();
    CHECK_FALSE(wants_failure_report(row));
}

// One row of the fo= matrix: the message's state and, per fo= value, whether it is reported.
struct FoCase {
    const char* m_name;
    const char* m_dmarc;
    bool m_dkim_aligned;
    bool m_spf_aligned;
    const char* m_dkim_result;  // "" no signature
    const char* m_spf_result;
    bool m_fo0, m_fo1, m_fod, m_fos;
};

TEST_CASE("fo= matrix (RFC 9989: 0 all fail, 1 any fails, d DKIM failed, s SPF failed)") {
    const FoCase cases[] = {
        {"nothing aligned, both failed", "fail", false, false, "fail", "fail", true, true, true,
         true},
        {"nothing aligned, unsigned, SPF passed unaligned", "fail", false, false, "", "pass", true,
         true, false, false},
        {"SPF aligned, DKIM failed (DMARC pass)", "pass", false, true, "fail", "pass", false, true,
         true, false},
        {"DKIM aligned, SPF failed (DMARC pass)", "pass", true, false, "pass", "fail", false, true,
         false, true},
        {"both aligned", "pass", true, true, "pass", "pass", false, false, false, false},
        {"SPF none is no failure", "fail", false, false, "", "none", true, true, false, false},
        {"SPF softfail is a failure", "fail", false, false, "", "softfail", true, true, false,
         true},
        {"DMARC temperror: neither 0 nor 1", "temperror", false, false, "", "temperror", false,
         false, false, true},
    };
    for (const auto& c : cases) {
        CAPTURE(c.m_name);
        auto row = failing_row("");
        row.m_dmarc_result = c.m_dmarc;
        row.m_dkim_aligned = c.m_dkim_aligned;
        row.m_spf_aligned = c.m_spf_aligned;
        row.m_spf_result = c.m_spf_result;
        row.m_dkim.clear();
        if (*c.m_dkim_result)
            row.m_dkim.push_back({"example.com", "sel", c.m_dkim_result, ""});
        const std::pair<const char*, bool> fos[] = {
            {"0", c.m_fo0}, {"1", c.m_fo1}, {"d", c.m_fod}, {"s", c.m_fos}};
        for (const auto& fo : fos) {  // no structured binding: clang 14 cannot CAPTURE one
            CAPTURE(fo.first);
            row.m_fo = fo.first;
            CHECK(wants_failure_report(row) == fo.second);
        }
        row.m_fo = "d:s";
        CHECK(wants_failure_report(row) == (c.m_fod || c.m_fos));
    }
}

TEST_CASE("local-parts are redacted, domains kept") {
    CHECK(redact_addresses(" \"Alice\" <alice.smith@example.com>, bob@x.example") ==
          " \"Alice\" <redacted@example.com>, redacted@x.example");
    CHECK(redact_addresses(" <\"odd local\"@example.com>") == " <redacted@example.com>");
    CHECK(redact_addresses("from mx (mx [192.0.2.1]) by r for <u@r.example>; date") ==
          "from mx (mx [192.0.2.1]) by r for <redacted@r.example>; date");
    CHECK(redact_addresses("no address @ here") == "no address @ here");
    CHECK(redact_addresses(" r; sender-id=none header.From=a.b@example.com") ==
          " r; sender-id=none header.From=redacted@example.com");
}

TEST_CASE("the rate limit counts per policy domain in fixed windows") {
    FailureRateLimit limit(2, 3600);
    CHECK(limit.allow("example.com", 100));
    CHECK(limit.allow("example.com", 200));
    CHECK_FALSE(limit.allow("example.com", 300));
    CHECK(limit.allow("other.example", 300));
    CHECK(limit.allow("example.com", 3700));
}

TEST_CASE("the rate limit forgets the windows that ended") {
    FailureRateLimit limit(1, 3600);
    CHECK(limit.allow("a.example", 10));
    CHECK(limit.allow("b.example", 20));
    CHECK(limit.domains() == 2);
    CHECK_FALSE(limit.allow("a.example", 3609));
    CHECK(limit.domains() == 2);            // pruned at most once a window
    CHECK(limit.allow("c.example", 7300));  // a and b's windows ended: pruned
    CHECK(limit.domains() == 1);
    CHECK(limit.allow("a.example", 7300));  // a fresh window
    CHECK_FALSE(limit.allow("a.example", 7301));
}

TEST_CASE("the AFRF message carries RFC 9991's fields and the redacted header") {
    const auto row = failing_row("1");
    FailureInput input;
    input.m_reporter_domain = "receiver.example";
    input.m_from = "dmarc-reports@receiver.example";
    input.m_to = "ruf@example.com";
    input.m_user_agent = "enma/1.0";
    input.m_authentication_results =
        " receiver.example; dmarc=fail header.from=example.com;\n\tspf=fail "
        "smtp.mailfrom=u@x.example";
    input.m_headers = {{"From", " Alice <alice@example.com>"},
                       {"To", " bob@receiver.example,\n\tcarol@receiver.example"},
                       {"Subject", " hello"}};
    input.m_date = 1795651260;
    const std::string message = failure_report_message(row, input);
    CHECK(message.find("Content-Type: multipart/report; report-type=feedback-report;\r\n") !=
          std::string::npos);
    for (const std::string field :
         {"Feedback-Type: auth-failure\r\n", "User-Agent: enma/1.0\r\n", "Version: 1\r\n",
          "Original-Mail-From: <redacted@bounce.example.net>\r\n",
          "Original-Rcpt-To: <redacted@receiver.example>\r\n",
          "Arrival-Date: Thu, 26 Nov 2026 00:00:00 +0000\r\n", "Source-IP: 192.0.2.66\r\n",
          "Reported-Domain: example.com\r\n", "Auth-Failure: dmarc\r\n",
          "Identity-Alignment: dkim, spf\r\n", "Delivery-Result: reject\r\n",
          "Authentication-Results: receiver.example; dmarc=fail header.from=example.com;\r\n\t"
          "spf=fail smtp.mailfrom=redacted@x.example\r\n",
          "DKIM-Domain: example.com\r\nDKIM-Selector: sel\r\n",
          "Content-Type: message/feedback-report\r\n", "Content-Type: text/rfc822-headers\r\n",
          "From: Alice <redacted@example.com>\r\n",
          "To: redacted@receiver.example,\r\n\tredacted@receiver.example\r\n"}) {
        CAPTURE(field);
        CHECK(message.find(field) != std::string::npos);
    }
    CHECK(message.find("alice@") == std::string::npos);
    CHECK(message.find("bob@") == std::string::npos);
}

TEST_CASE("a header field named like the MIME boundary cannot end a part") {
    auto row = failing_row("1");
    FailureInput input;
    input.m_headers = {{"--=_enma-failure_7", " forged"}, {"From", " a@example.com"}};
    const std::string message = failure_report_message(row, input);
    CHECK(message.find("boundary=\"=_enma-failure_7_0\"") != std::string::npos);
    CHECK(message.find("\r\n--=_enma-failure_7_0--\r\n") != std::string::npos);
    CHECK(message.find("\r\n--=_enma-failure_7: forged\r\n") != std::string::npos);
}
