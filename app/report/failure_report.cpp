// failure_report.cpp - fo= decisions, redaction, the rate limit and the AFRF message.
#include "app/report/failure_report.hpp"

#include <algorithm>
#include <cctype>
#include <initializer_list>

#include <fmt/format.h>

#include "app/report/mail_date.hpp"

namespace enma::report {

namespace {

// is_local_char - atext and ".", without "=": a local-part ends there, so that
// "header.from=user@example.com" in Authentication-Results keeps its property name (an SRS
// local-part keeps its prefix and loses the original local-part after its last "=").
bool is_local_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("!#$%&'*+-/?^_`{|}~.").find(c) != std::string_view::npos;
}

// local_part_start - where the local-part ending just before `at` starts (== at if none).
std::size_t local_part_start(std::string_view text, std::size_t at) {
    if (at > 0 && text[at - 1] == '"') {
        const auto open = at >= 2 ? text.rfind('"', at - 2) : std::string_view::npos;
        if (open == std::string_view::npos)
            return at;
        // A quoted local-part folded over lines: redact its last line only, so every line
        // break stays where it was (the header keeps its shape).
        const auto line = text.find_last_of("\r\n", at - 1);
        return line != std::string_view::npos && line > open ? line + 1 : open;
    }
    std::size_t start = at;
    while (start > 0 && is_local_char(text[start - 1]))
        --start;
    return start;
}

bool failed(std::string_view result) {
    return result != "pass" && result != "none";
}

bool is_related(std::string_view domain, std::string_view author) {
    return domain == author || author.ends_with("." + std::string(domain)) ||
           domain.ends_with("." + std::string(author));
}

// delivery_result - RFC 6591's Delivery-Result for the applied disposition.
std::string_view delivery_result(std::string_view disposition) {
    if (disposition == "reject")
        return "reject";
    if (disposition == "quarantine")
        return "spam";
    return "delivered";
}

// crlf_lines - a header value with every line end as CRLF and continuation lines kept folded.
std::string crlf_lines(std::string_view value) {
    std::string out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '\r')
            continue;
        if (value[i] == '\n') {
            const bool folded =
                i + 1 < value.size() && (value[i + 1] == ' ' || value[i + 1] == '\t');
            out += folded ? "\r\n" : "\r\n\t";
            continue;
        }
        out += value[i];
    }
    return out;
}

std::string_view trim_front(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    return text;
}

std::string feedback_fields(const MessageRow& row, const FailureInput& input) {
    std::string out = fmt::format(
        "Feedback-Type: auth-failure\r\nUser-Agent: {}\r\nVersion: 1\r\n"
        "Original-Mail-From: <redacted@{}>\r\n",
        input.m_user_agent, row.m_envelope_from);
    if (!row.m_envelope_to.empty())
        out += fmt::format("Original-Rcpt-To: <redacted@{}>\r\n", row.m_envelope_to);
    out += fmt::format(
        "Arrival-Date: {}\r\nSource-IP: {}\r\nReported-Domain: {}\r\nAuth-Failure: dmarc\r\n"
        "Identity-Alignment: {}\r\nDelivery-Result: {}\r\n",
        rfc5322_date(row.m_received_at), row.m_source_ip, row.m_header_from,
        identity_alignment(row), delivery_result(row.m_disposition));
    if (!input.m_authentication_results.empty())
        out += "Authentication-Results: " +
               crlf_lines(redact_addresses(trim_front(input.m_authentication_results))) + "\r\n";
    for (const auto& dkim : row.m_dkim) {
        if (dkim.m_result == "pass" || !is_related(dkim.m_domain, row.m_header_from))
            continue;
        out +=
            fmt::format("DKIM-Domain: {}\r\nDKIM-Selector: {}\r\n", dkim.m_domain, dkim.m_selector);
        break;
    }
    return out;
}

// boundary_for - "=_enma-failure_SEQ", made longer until no part contains it: a header field
// of the reported message (a field name may be "--=_enma-failure_1") must not end a part
// (RFC 2046 5.1.1).
std::string boundary_for(std::initializer_list<const std::string*> parts, std::int64_t seq) {
    std::string boundary = fmt::format("=_enma-failure_{}", seq);
    const auto inside = [&] {
        return std::any_of(parts.begin(), parts.end(), [&](const std::string* part) {
            return part->find(boundary) != std::string::npos;
        });
    };
    for (int round = 0; inside(); ++round)
        boundary += fmt::format("_{}", round);
    return boundary;
}

std::string original_header(const FailureInput& input) {
    std::string out;
    for (const auto& [name, value] : input.m_headers)
        out += name + ":" + crlf_lines(redact_addresses(value)) + "\r\n";
    return out;
}

}  // namespace

bool wants_failure_report(const MessageRow& row) {
    const bool dmarc_failed = row.m_dmarc_result == "fail";
    // fo=1 reports a mechanism without an aligned pass even when the other one made DMARC
    // pass (RFC 9989); it needs a verdict, not a temperror.
    const bool evaluated = dmarc_failed || row.m_dmarc_result == "pass";
    const bool dkim_failed = [&] {
        for (const auto& dkim : row.m_dkim)
            if (failed(dkim.m_result))
                return true;
        return false;
    }();
    std::string_view fo = row.m_fo.empty() ? std::string_view("0") : std::string_view(row.m_fo);
    while (!fo.empty()) {
        const auto colon = fo.find(':');
        std::string option(fo.substr(0, colon));
        std::erase_if(option, [](char c) { return c == ' ' || c == '\t'; });
        fo = colon == std::string_view::npos ? std::string_view() : fo.substr(colon + 1);
        if ((option == "0" && dmarc_failed && !row.m_dkim_aligned && !row.m_spf_aligned) ||
            (option == "1" && evaluated && (!row.m_dkim_aligned || !row.m_spf_aligned)) ||
            (option == "d" && dkim_failed) || (option == "s" && failed(row.m_spf_result)))
            return true;
    }
    return false;
}

std::string redact_addresses(std::string_view value) {
    std::string out;
    std::size_t done = 0;
    for (auto at = value.find('@'); at != std::string_view::npos; at = value.find('@', at + 1)) {
        const std::size_t start = local_part_start(value, at);
        if (start == at || start < done)
            continue;
        out += value.substr(done, start - done);
        out += "redacted";
        done = at;
    }
    out += value.substr(done);
    return out;
}

bool FailureRateLimit::allow(const std::string& domain, std::int64_t now) {
    prune(now);
    auto& [start, count] = m_windows[domain];
    if (count == 0 || now - start >= m_window) {
        start = now;
        count = 0;
    }
    if (count >= m_limit)
        return false;
    ++count;
    return true;
}

// prune - windows that have ended are forgotten (once a window's time), so a daemon that
// sees many domains keeps only those of the last hour.
void FailureRateLimit::prune(std::int64_t now) {
    if (now - m_last_prune < m_window)
        return;
    m_last_prune = now;
    std::erase_if(m_windows,
                  [&](const auto& entry) { return now - entry.second.first >= m_window; });
}

std::string identity_alignment(const MessageRow& row) {
    if (!row.m_dkim_aligned && !row.m_spf_aligned)
        return "dkim, spf";
    if (!row.m_dkim_aligned)
        return "dkim";
    return row.m_spf_aligned ? "none" : "spf";
}

std::string failure_report_message(const MessageRow& row, const FailureInput& input) {
    const std::string note = fmt::format(
        "A message claiming to be from {} failed DMARC evaluation at {}.\r\n"
        "Local-parts of addresses are redacted; the body is not included.\r\n",
        row.m_header_from, input.m_reporter_domain);
    const std::string feedback = feedback_fields(row, input);
    const std::string header = original_header(input);
    const std::string boundary = boundary_for({&note, &feedback, &header}, row.m_seq);
    std::string out = fmt::format(
        "From: {}\r\nTo: {}\r\nSubject: DMARC failure report for {} from {}\r\nDate: {}\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=feedback-report;\r\n"
        "\tboundary=\"{}\"\r\n\r\n",
        input.m_from, input.m_to, row.m_header_from, input.m_reporter_domain,
        rfc5322_date(input.m_date), boundary);
    out += fmt::format("--{}\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n{}\r\n", boundary,
                       note);
    out += fmt::format("--{}\r\nContent-Type: message/feedback-report\r\n\r\n{}\r\n", boundary,
                       feedback);
    out += fmt::format("--{}\r\nContent-Type: text/rfc822-headers\r\n\r\n{}\r\n--{}--\r\n",
                       boundary, header, boundary);
    return out;
}

}  // namespace enma::report
