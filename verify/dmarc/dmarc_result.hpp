// dmarc_result.hpp - the words of a DMARC verdict: RFC 9989 results, policies, dispositions.
#pragma once

#include <cstdint>
#include <string_view>

namespace enma::dmarc {

// RFC 9989 11.2 (the A-R result registry):
// none:      no DMARC policy record applies to the author domain, or no author domain
//            could be extracted (no From field)
// pass:      a policy record applies and SPF or DKIM passed for an aligned identifier
// fail:      a policy record applies and no authentication mechanism passed aligned
// temperror: a DNS failure prevented a conclusion (policy discovery, or an aligned
//            identifier whose check ended in temperror)
// permerror: the message cannot be evaluated and will not become evaluable: several From
//            fields, an unparsable From, or one From with mailboxes in several domains
enum class DmarcResult : std::uint8_t { none, pass, fail, temperror, permerror };

// Policy - a p=, sp= or np= value (RFC 9989 4.7).
enum class Policy : std::uint8_t { none, quarantine, reject };

// Alignment - adkim= / aspf= (RFC 9989 3.2).
enum class Alignment : std::uint8_t { relaxed, strict };

// PsdFlag - psd= (RFC 9989 4.7): y, n, or u (the default).
enum class PsdFlag : std::uint8_t { unspecified, yes, no };

// OrgDomainMode - how the Organizational Domain is found: RFC 9989's DNS tree walk, or
// RFC 7489's public suffix list (dmarc.org_domain).
enum class OrgDomainMode : std::uint8_t { tree_walk, psl };

std::string_view to_string(DmarcResult result) noexcept;
std::string_view to_string(Policy policy) noexcept;

}  // namespace enma::dmarc
