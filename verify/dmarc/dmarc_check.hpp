// dmarc_check.hpp - RFC 9989 5.3.2's DMARC evaluation of one message, from the SPF and DKIM
// outcomes and the policy records in a DnsSnapshot.
//
// The procedure:
//  1. The Author Domain comes from the one From field (the caller: author.hpp); a message
//     without one gets none or permerror before any lookup.
//  2. Policy discovery: the tree walk from the Author Domain (tree_walk.hpp), or in PSL mode
//     RFC 7489's two lookups (the domain, then its registrable domain). The policy is the
//     Author Domain's own record (p=), else its Organizational Domain's, else the Public
//     Suffix Domain's (sp=, or np= when the Author Domain does not exist: no A, AAAA or MX).
//     No record, or one that does not apply: none. A failed lookup the walk needed: temperror.
//  3. Alignment: an SPF pass for the MAIL FROM identity (postmaster@HELO for a null path,
//     RFC 7208 2.4) or any DKIM pass, whose domain equals the Author Domain (strict) or
//     shares its Organizational Domain (relaxed). One aligned pass: pass.
//  4. No aligned pass, but an SPF or DKIM temperror for an identifier that would align, or an
//     Organizational Domain that could not be found: temperror (RFC 9989 5.3.2: no policy
//     may be applied on a temporary failure). Otherwise fail.
//  5. On fail, the disposition the domain asks for: the policy, none under t=y (override
//     "policy_test_mode"), and in PSL mode pct= sampling (reject becomes quarantine and
//     quarantine none for a message sampled out: "sampled_out").
// Every answer read leaves its DNSSEC state in the output (secure only if all were).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "resolver/answer.hpp"
#include "verify/dkim/dkim_result.hpp"
#include "verify/dmarc/dmarc_record.hpp"
#include "verify/dmarc/dmarc_result.hpp"
#include "verify/dmarc/dns_snapshot.hpp"
#include "verify/dmarc/public_suffix_list.hpp"
#include "verify/spf/spf_result.hpp"

namespace enma::dmarc {

struct DmarcInput {
    std::string m_author_domain;  // A-label, lower case; empty when there is no usable one
    DmarcResult m_author_result = DmarcResult::none;  // the result without an Author Domain
    std::string m_author_error;                       // why there is none
    bool m_spf_checked = false;
    spf::SpfResult m_spf_result = spf::SpfResult::none;
    std::string m_spf_domain;  // the MAIL FROM identity's domain (HELO's for a null path)
    std::vector<dkim::DkimResult> m_dkim;
    OrgDomainMode m_mode = OrgDomainMode::tree_walk;
    const PublicSuffixList* m_psl = nullptr;  // PSL mode only
    unsigned m_sample = 0;                    // 0..99, compared with pct= (PSL mode)
};

struct DmarcOutput {
    DmarcResult m_result = DmarcResult::none;
    std::string m_reason;
    std::string m_author_domain;
    std::string m_policy_domain;  // where the applied record was found
    std::string m_org_domain;     // the Author Domain's Organizational Domain, when found
    std::optional<DmarcRecord> m_record;
    Policy m_policy = Policy::none;       // the policy that applies: p=, sp= or np=
    std::string m_policy_tag;             // "p", "sp" or "np"
    Policy m_disposition = Policy::none;  // what the domain asks for this message (fail only)
    std::string m_override;               // RFC 9990 PolicyOverride: why less than m_policy
    bool m_spf_aligned = false;
    bool m_dkim_aligned = false;
    std::string m_dkim_domain;  // the aligned passing signature's d= and s=
    std::string m_dkim_selector;
    resolver::Security m_security = resolver::Security::unchecked;
};

struct Evaluation {
    std::optional<DmarcOutput> m_output;  // empty: fetch m_missing and evaluate again
    std::set<Question> m_missing;
};

// evaluate_dmarc - the procedure above over the answers in `dns`.
Evaluation evaluate_dmarc(const DmarcInput& input, const DnsSnapshot& dns);

// foreseeable_questions - the lookups an evaluation is likely to need, known at end of
// headers: the Author Domain's walk and, in relaxed mode, the walks of the MAIL FROM domain
// and of each signing domain that shares the Author Domain's top-level label.
std::set<Question> foreseeable_questions(const DmarcInput& input,
                                         const std::vector<std::string>& signing_domains);

}  // namespace enma::dmarc
