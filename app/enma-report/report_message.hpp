// report_message.hpp - the RFC 9990 e-mail form of an aggregate report: the attachment's
// file name, the Subject, and the whole RFC 5322 / MIME message handed to sendmail -t or
// submitted over SMTP (delivery.hpp).
//
// Deterministic: the boundary and Message-ID come from the report id, the Date from the
// caller, so a re-send of a report is the same message (RFC 9990: same file name, same id).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "app/enma-report/aggregate_report.hpp"
#include "app/report/mail_date.hpp"

namespace enma::report {

// report_filename - receiver "!" policy-domain "!" begin "!" end ".xml.gz" (RFC 9990);
// begin and end are date_range's values.
std::string report_filename(const AggregateReport& report);

// report_subject - "Report Domain: <policy> Submitter: <receiver> Report-ID: <id>" (folded).
std::string report_subject(const AggregateReport& report);

// MailEnvelope - who the message is from and to, and when it was made.
struct MailEnvelope {
    std::string m_from;  // report.email
    std::string m_to;    // the rua address
    std::int64_t m_date = 0;
};

// report_message - the message with CRLF line ends: a text/plain note and the gzip attachment
// (application/gzip, base64).
std::string report_message(const AggregateReport& report, std::string_view gzip,
                           const MailEnvelope& envelope);

// base64_lines - RFC 2045 base64 in lines of 76 characters, each ended by CRLF.
std::string base64_lines(std::string_view data);

}  // namespace enma::report
