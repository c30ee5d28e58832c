// pra.hpp - the Purported Responsible Address of RFC 4407 section 2.
//
// Self-contained on purpose: it takes the header fields as (name, unfolded value) pairs in
// message order (top first) and parses the one selected field with its own small RFC 5322
// mailbox reader, so Sender ID does not depend on verify/message/. Switching to the shared
// address parser later only replaces parse_single_mailbox().
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace enma::sidf {

using HeaderField = std::pair<std::string, std::string>;  // name, value

struct Mailbox {
    std::string m_local;
    std::string m_domain;
    std::string to_string() const { return m_local + '@' + m_domain; }
};

struct Pra {
    std::optional<Mailbox> m_mailbox;  // empty: the message is ill-formed (step 6)
    std::string m_header;              // the field it came from, e.g. "Resent-Sender"
    std::string m_reason;              // why there is none, or which step chose it
};

// find_pra - steps 1 to 6 of RFC 4407 section 2.
Pra find_pra(const std::vector<HeaderField>& headers);

// parse_single_mailbox - the one mailbox of a From / Sender / Resent-* value; nullopt if the
// value holds several mailboxes, a group, no domain name, or is hopelessly malformed.
std::optional<Mailbox> parse_single_mailbox(std::string_view value);

}  // namespace enma::sidf
