// failure_report.hpp - RFC 9991 DMARC failure reports: whether fo= asks for one, the
// rate limit per policy domain, and the AFRF message (RFC 5965 / RFC 6591 as RFC 9991 updates
// it) with the local-parts of every address redacted.
//
// Off by default (report.failure_reports): a failure report carries header fields of a
// message, so enma sends the header only, never the body, and replaces each local-part in
// the reported addresses with "redacted" (RFC 6590's idea, without the correlating hash).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/report/message_row.hpp"

namespace enma::report {

// wants_failure_report - fo= (colon-separated, "0" when empty) against the row: 0 all
// mechanisms failed to give an aligned pass (DMARC fail), 1 any did (DMARC fail or pass),
// d a DKIM signature failed, s SPF failed (RFC 9989 fo=; RFC 9991).
bool wants_failure_report(const MessageRow& row);

// redact_addresses - every addr-spec local-part in a header value replaced by "redacted"
// (a local-part is taken to start after the last "=" before the "@").
std::string redact_addresses(std::string_view value);

// FailureRateLimit - at most m_limit reports per policy domain in each window of
// m_window seconds (a fixed window starting at the first report).
class FailureRateLimit {
public:
    FailureRateLimit(int limit, std::int64_t window) : m_limit(limit), m_window(window) {}
    // allow - counts one report for `domain` at `now` if the limit allows it.
    bool allow(const std::string& domain, std::int64_t now);
    std::size_t domains() const noexcept { return m_windows.size(); }

private:
    void prune(std::int64_t now);

    int m_limit;
    std::int64_t m_window;
    std::int64_t m_last_prune = 0;
    std::map<std::string, std::pair<std::int64_t, int>> m_windows;  // start, count
};

// FailureInput - what the report says beside the row.
struct FailureInput {
    std::string m_reporter_domain;         // report.domain
    std::string m_from;                    // report.email
    std::string m_to;                      // the ruf address
    std::string m_user_agent;              // "enma/<version>"
    std::string m_authentication_results;  // the A-R value enma added ("" leaves it out)
    std::vector<std::pair<std::string, std::string>> m_headers;  // the original header
    std::int64_t m_date = 0;
};

// failure_report_message - the multipart/report message (CRLF line ends).
std::string failure_report_message(const MessageRow& row, const FailureInput& input);

// identity_alignment - "dkim, spf", "dkim", "spf" or "none": which mechanisms failed to
// authenticate an aligned identity (RFC 9991's Identity-Alignment field).
std::string identity_alignment(const MessageRow& row);

}  // namespace enma::report
