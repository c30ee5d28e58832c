// tree_walk.hpp - RFC 9989 4.10's DNS Tree Walk and 4.12's Organizational Domain selection.
//
// The walk queries _dmarc.<domain>, then the domain cut to at most four labels, then one
// label less at a time, down to the top-level label: at most five queries whatever the
// depth. enma sends the queries of a walk together (one round trip instead of five); the
// result is the same as the sequential walk's because the answers are read in the walk's
// order and reading stops where the RFC stops: at the first domain's record with psd=n, or
// at a later record with psd=y or psd=n. Answers beyond the stop are not used (a failure
// there changes nothing).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "resolver/answer.hpp"
#include "verify/dmarc/dmarc_record.hpp"
#include "verify/dmarc/dns_snapshot.hpp"

namespace enma::dmarc {

// walk_targets - the domains a walk from `domain` queries, in order (at most five).
std::vector<std::string> walk_targets(std::string_view domain);

// dmarc_question - the TXT question for the DMARC record of `domain`.
Question dmarc_question(std::string_view domain);

// dmarc_record_in - the one DMARC record of a TXT answer (RFC 9989 4.10 steps 2 and 7):
// none when there is none, several, or one with an invalid tag list.
std::optional<DmarcRecord> dmarc_record_in(const resolver::Answer& answer);

// Level - what the walk found at one domain.
struct Level {
    std::string m_domain;
    std::optional<DmarcRecord> m_record;  // exactly one valid DMARC record was published
    resolver::Security m_security = resolver::Security::unchecked;
};

struct Walk {
    bool m_complete = false;      // every answer it needed is in the snapshot
    bool m_temporary = false;     // a lookup it needed failed temporarily (m_levels stop there)
    std::string m_error;          // which lookup failed
    std::vector<Level> m_levels;  // up to and including the stop
};

// walk - the tree walk from `domain` over the answers in `dns`.
Walk walk(std::string_view domain, const DnsSnapshot& dns);

// organizational_domain - RFC 9989 4.12 over a complete walk (the initial domain when no
// record decides). Undefined for a walk that is temporary or incomplete.
std::string organizational_domain(const Walk& walk);

// label_count - labels of a domain name without a trailing dot.
std::size_t label_count(std::string_view domain) noexcept;

}  // namespace enma::dmarc
