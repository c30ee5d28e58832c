// adsp_check.hpp - RFC 5617 ADSP for one Author Domain, as a coroutine over the Resolver.
//
// The procedure (4.3 and 5.4):
//  1. A valid Author Domain Signature (a DKIM pass whose d= equals the author domain, case
//     insensitively; 2.7) is "pass" at once, with no lookup (as ENMA did).
//  2. Otherwise two lookups run together, as 4.3 allows: a query at the author domain itself
//     (MX, the type 4.3's discussion suggests) and TXT at _adsp._domainkey.<author domain>.
//  3. The domain check decides first: NXDOMAIN is "nxdomain"; a temporary failure is
//     "temperror"; NOERROR or NODATA goes on.
//  4. The ADSP answer: a temporary failure is "temperror"; NXDOMAIN, NODATA or no records is
//     "none"; more than one record is "permerror" (4.3 leaves the result undefined; ENMA
//     reported permerror); one malformed record is "none" (4.1); one valid record gives
//     unknown / fail / discard for dkim=unknown / all / discardable.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "coro/cancel.hpp"
#include "coro/task.hpp"
#include "resolver/resolver.hpp"
#include "verify/adsp/adsp_record.hpp"
#include "verify/adsp/adsp_result.hpp"
#include "verify/dkim/dkim_result.hpp"

namespace enma::adsp {

struct AdspInput {
    std::string m_author_domain;           // From's domain: A-label, lower case
    std::vector<dkim::DkimResult> m_dkim;  // every signature's verdict
};

struct AdspOutput {
    AdspResult m_result = AdspResult::none;
    std::string m_reason;                  // short, human-readable; empty on pass
    std::optional<AdspPractice> m_policy;  // the record's dkim= when one was found
    resolver::Security m_security = resolver::Security::unchecked;  // DNSSEC of the record
};

// adsp_query_name - "_adsp._domainkey.<domain>".
std::string adsp_query_name(std::string_view author_domain);

// has_author_domain_signature - is one of `dkim` a pass with d= equal to `author_domain`?
bool has_author_domain_signature(const std::vector<dkim::DkimResult>& dkim,
                                 std::string_view author_domain);

// check_adsp - the ADSP result for `input` (see the procedure above).
coro::Task<AdspOutput> check_adsp(resolver::Resolver& resolver, AdspInput input,
                                  coro::CancelToken token = {});

}  // namespace enma::adsp
