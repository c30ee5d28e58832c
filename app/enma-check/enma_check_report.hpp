// enma_check_report.hpp - what enma-check prints: the daemon's header, or one JSON object.
//
// The header is rendered from the Verdict's results by the same render_auth_results() the
// session uses; only the line break before each resinfo differs ("\r\n\t" for a file or a
// pipe, "\n\t" for a terminal), so with "\n\t" it is byte for byte Verdict::m_header_value.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "verify/pipeline/message_session.hpp"

namespace enma::app {

// CheckEnvelope - the SMTP side of the message, echoed into the JSON output.
struct CheckEnvelope {
    std::string m_ip;  // empty when --ip was not given
    std::string m_hostname;
    std::string m_helo;
    std::string m_mail_from;
    std::vector<std::string> m_rcpts;
};

// header_line - "Authentication-Results: <value>" with `fold` before each later resinfo and
// no line break at the end.
std::string header_line(std::string_view authserv_id, const pipeline::Verdict& verdict,
                        std::string_view fold);

// seal_lines - "ARC-Seal: ...", "ARC-Message-Signature: ...", "ARC-Authentication-Results: ..."
// (top to bottom as the daemon inserts them), each folded with `fold`, no line break at the end.
std::vector<std::string> seal_lines(const arc::SealedSet& set, std::string_view fold);

// seal_json - {"sealed": "i=1 cv=none" or "none", "reason", "fields": {name: one-line value}}.
nlohmann::ordered_json seal_json(const pipeline::Verdict& verdict);

// verdict_json - every method's results, reasons and properties, and the DNS statistics.
nlohmann::ordered_json verdict_json(std::string_view authserv_id, const pipeline::Verdict& verdict,
                                    const CheckEnvelope& envelope);

}  // namespace enma::app
