// trusted_sealer.hpp - RFC 8617 7.2: what a trusted sealer's ARC-Authentication-Results say.
//
// A receiver may use the AAR of a sealer it trusts to override a DMARC fail (the message
// was forwarded and the forwarder vouches that it passed on arrival). Only a chain that
// passed is read. Among the sets whose ARC-Seal d= is a trusted domain (or a subdomain of
// one), the newest whose AAR says dmarc=pass for the author domain, or spf=pass / dkim=pass
// for a domain aligned with it, endorses the message. "Aligned" here is conservative: equal
// domains or one a subdomain of the other (no Organizational Domain lookup for a
// forwarder's claim), so a claim for a sibling subdomain does not count.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "verify/arc/arc_chain.hpp"
#include "verify/arc/arc_output.hpp"

namespace enma::arc {

struct SealerEndorsement {
    unsigned m_instance = 0;
    std::string m_sealer;  // the AS d= of that set
    std::string m_method;  // dmarc, dkim or spf: what the AAR says passed (the first of these)
};

std::optional<SealerEndorsement> find_endorsement(const ArcChain& chain, const ArcOutput& output,
                                                  std::string_view author_domain,
                                                  const std::vector<std::string>& trusted);

// is_trusted_sealer - `domain` is one of `trusted` or a subdomain of one.
bool is_trusted_sealer(std::string_view domain, const std::vector<std::string>& trusted);

}  // namespace enma::arc
