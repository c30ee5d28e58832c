// report_message.cpp - file name, Subject and the MIME message of an aggregate report.
#include "app/enma-report/report_message.hpp"

#include <ctime>

#include <fmt/format.h>

namespace enma::report {

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// boundary_for - a boundary no base64 line or note line can contain ("=_" never appears in
// base64 output, and the note is ours).
std::string boundary_for(const AggregateReport& report) {
    return "=_enma-report_" + std::to_string(report.m_period.m_begin) + "_" +
           std::to_string(report.m_period.m_end);
}

std::string note_text(const AggregateReport& report) {
    return fmt::format(
        "This is a DMARC aggregate report (RFC 9990) from {} for {},\r\n"
        "covering {} to {} (UTC), {} message(s) in {} record(s).\r\n",
        report.m_reporter.m_org_name, report.m_policy.m_domain,
        rfc5322_date(report.m_period.m_begin), rfc5322_date(report.m_period.m_end - 1),
        report.m_messages, report.m_records.size());
}

}  // namespace

std::string report_filename(const AggregateReport& report) {
    return fmt::format("{}!{}!{}!{}.xml.gz", report.m_reporter.m_domain, report.m_policy.m_domain,
                       report.m_period.m_begin, report.m_period.m_end - 1);
}

std::string report_subject(const AggregateReport& report) {
    return fmt::format("Report Domain: {}\r\n Submitter: {}\r\n Report-ID: <{}>",
                       report.m_policy.m_domain, report.m_reporter.m_domain, report.m_report_id);
}

std::string base64_lines(std::string_view data) {
    std::string out;
    std::size_t column = 0;
    for (std::size_t i = 0; i < data.size(); i += 3) {
        std::uint32_t group = static_cast<std::uint8_t>(data[i]) << 16;
        const std::size_t have = std::min<std::size_t>(3, data.size() - i);
        if (have > 1)
            group |= static_cast<std::uint8_t>(data[i + 1]) << 8;
        if (have > 2)
            group |= static_cast<std::uint8_t>(data[i + 2]);
        for (std::size_t k = 0; k < 4; ++k)
            out += k <= have ? kAlphabet[(group >> (18 - 6 * k)) & 0x3F] : '=';
        column += 4;
        if (column == 76) {
            out += "\r\n";
            column = 0;
        }
    }
    if (column != 0)
        out += "\r\n";
    return out;
}

std::string report_message(const AggregateReport& report, std::string_view gzip,
                           const MailEnvelope& envelope) {
    const std::string boundary = boundary_for(report);
    const std::string filename = report_filename(report);
    std::string out = fmt::format(
        "From: {}\r\nTo: {}\r\nSubject: {}\r\nDate: {}\r\nMessage-ID: <{}>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"{}\"\r\n\r\n"
        "This is a MIME message.\r\n\r\n",
        envelope.m_from, envelope.m_to, report_subject(report), rfc5322_date(envelope.m_date),
        report.m_report_id, boundary);
    out += fmt::format(
        "--{}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"
        "\r\n{}\r\n",
        boundary, note_text(report));
    out += fmt::format(
        "--{}\r\nContent-Type: application/gzip; name=\"{}\"\r\n"
        "Content-Transfer-Encoding: base64\r\n"
        "Content-Disposition: attachment; filename=\"{}\"\r\n\r\n{}\r\n--{}--\r\n",
        boundary, filename, filename, base64_lines(gzip), boundary);
    return out;
}

}  // namespace enma::report
