// address.hpp - RFC 5322 3.4 address headers: From, Sender, Resent-From, Resent-Sender,
// Reply-To, and the author domain (RFC 7489 3.1) taken from From.
//
// Accepted: mailbox lists and groups, display names (atoms, quoted strings, obs-phrase dots),
// nested comments anywhere CFWS may appear, quoted local parts, obs-local-part, obs-route,
// empty list elements (obs-mbox-list), domain literals, UTF-8 (RFC 6532). The words of a local
// part must be joined by dots ("John Doe john@x" is an error), but stray dots are tolerated
// ("john..doe.@x", as Japanese mobile carriers issue). Group members are flagged, so readers
// that want one plain mailbox (Sender ID's PRA) can refuse groups.
// Domains come out as A-labels in lower case (idn.hpp); a U-label that does not convert is an
// error. Errors are values with a reason; no input makes the parser throw or read out of range.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace enma::message {

struct Mailbox {
    std::string m_display_name;  // phrase with quotes removed and CFWS collapsed to one space
    std::string m_local_part;    // as written, quoted form kept, CFWS removed
    std::string m_domain;        // A-label, lower case; "[...]" text for a domain literal
    bool m_domain_literal = false;
    bool m_group_member = false;  // it stood inside a group ("name: a@b, c@d;")

    std::string address() const { return m_local_part + "@" + m_domain; }
};

struct AddressList {
    bool m_ok = false;
    std::string m_error;               // why parsing failed (empty when m_ok)
    std::vector<Mailbox> m_mailboxes;  // group members are flattened into the list
};

// parse_address_list - an address-list (From, Reply-To, Resent-From accept groups too).
AddressList parse_address_list(std::string_view value);

// parse_mailbox - exactly one mailbox (Sender, Resent-Sender).
AddressList parse_mailbox(std::string_view value);

struct AuthorDomain {
    bool m_ok = false;
    std::string m_error;
    std::string m_domain;  // A-label, lower case
};

// author_domain - the domain of the From field's mailboxes; an error unless there is at least
// one and all share one domain (RFC 7489 6.6.1 leaves several authors to local policy, and a
// domain literal has no DNS policy to look up).
AuthorDomain author_domain(std::string_view from_value);

}  // namespace enma::message
