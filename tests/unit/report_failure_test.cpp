// report_failure_test.cpp - RFC 9991 failure reports: fo= decisions, redaction, the rate
// limit per domain and the AFRF message.
#include <doctest/doctest.h>

#include "app/enma-report/failure_report.hpp"

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
    auto passing = failing_row("1");
    passing.m_dmarc_result = "pass";
    passing.m_dkim_aligned = true;
    CHECK_FALSE(wants_failure_report(passing));
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
