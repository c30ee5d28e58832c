// row_from_verdict - the report store's row for one message, from what its end of message
// decided: the DMARC verdict (policy published, result, disposition applied, override), the
// SPF and DKIM results of the Authentication-Results field, and the envelope.
//
// Only a message whose DMARC evaluation found a policy record gets a row (an aggregate
// report goes to the domain that published one); the rest get none. The node and the
// sequence number are the recorder's to set (Recorder::offer).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "app/report/message_row.hpp"
#include "verify/dmarc/dmarc_result.hpp"
#include "verify/pipeline/message_session.hpp"

namespace enma::report {

struct RowInput {
    const pipeline::Verdict& m_verdict;
    std::string_view m_client_ip;  // as text
    std::string_view m_mail_from;  // the MAIL FROM address ("" for the null path)
    std::string_view m_rcpt_to;    // the first RCPT TO address ("" when unknown)
    dmarc::OrgDomainMode m_mode = dmarc::OrgDomainMode::tree_walk;
    std::int64_t m_received_at = 0;  // seconds since the epoch
};

std::optional<MessageRow> row_from_verdict(const RowInput& input);

// address_domain - the domain of an address ("<a@B.example>" gives "b.example"), lower case;
// "" without one.
std::string address_domain(std::string_view address);

}  // namespace enma::report
