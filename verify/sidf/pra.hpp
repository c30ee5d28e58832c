// pra.hpp - the Purported Responsible Address of RFC 4407 section 2.
//
// It takes the header fields as (name, unfolded value) pairs in message order (top first) and
// reads the one selected field with the shared RFC 5322 / 6532 parser of verify/message/
// (message::parse_mailbox), so Sender ID, ADSP and DMARC read From the same way. Step 5's
// "malformed" is that parser's verdict plus three PRA rules: exactly one mailbox, not inside
// a group, and a domain name (letters, digits, '-', '_' after A-label conversion; no literal).
// docs/spf.md lists how this differs from the hand-written reader it replaced.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace enma::sidf {

using HeaderField = std::pair<std::string, std::string>;  // name, value

// Mailbox - the PRA's identity: local part as written (quotes kept, CFWS removed) and the
// domain as a lower-case A-label.
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
// value holds several mailboxes, a group, no domain name, or does not parse.
std::optional<Mailbox> parse_single_mailbox(std::string_view value);

}  // namespace enma::sidf
