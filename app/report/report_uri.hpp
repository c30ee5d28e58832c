// report_uri.hpp - the rua= / ruf= URI lists of a DMARC record, as far as enma sends to them:
// mailto: URIs with an address safe to put in a header field and on a sendmail command line.
//
// Outside bytes: the list comes from the sender's DNS. A URI that is not mailto:, whose
// address does not parse as a plain local-part@domain (dot-atom local part, LDH domain) after
// percent-decoding, or that carries header fields (?...) is skipped with a reason; nothing in
// the input can add a header line or an argument.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace enma::report {

struct ReportUri {
    std::string m_uri;      // as published, trimmed (the destination recorded as sent)
    std::string m_address;  // local-part@domain, the domain in lower case
    std::string m_host;     // the domain of m_address
    std::optional<std::uint64_t> m_max_size;  // "!10m" (RFC 7489 size limit), in bytes
};

struct ReportUriList {
    std::vector<ReportUri> m_uris;
    std::vector<std::string> m_skipped;  // "uri: why", for the log
};

// parse_report_uris - the comma-separated list as published (leading/trailing blanks ok).
ReportUriList parse_report_uris(std::string_view list);

}  // namespace enma::report
