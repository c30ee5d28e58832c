// sidf_check.hpp - Sender ID (RFC 4406) as a coroutine: the SPF evaluator with Sender ID's
// identities (MAIL FROM, or the PRA of RFC 4407) and record selection.
//
// Everything check_host() guarantees holds here too (same limits, prefetching, temperror for
// DNS failures, results as values). The differences: spf2.0 records are preferred to v=spf1
// for the scope, a PRA domain that does not exist fails, and a message without a usable PRA
// is a permerror.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "coro/task.hpp"
#include "resolver/resolver.hpp"
#include "verify/sidf/pra.hpp"
#include "verify/sidf/sidf_record.hpp"
#include "verify/sidf/sidf_result.hpp"
#include "verify/spf/spf_types.hpp"

namespace enma::sidf {

struct SidfInput {
    resolver::IpAddress m_ip;
    SidfScope m_scope = SidfScope::pra;
    std::string m_mail_from;                // mfrom scope: "local@domain" or empty (null sender)
    std::string m_helo;                     // mfrom scope with a null sender; %{h}
    std::vector<HeaderField> m_headers;     // pra scope: the message's fields, top first
    std::string m_receiver;                 // %{r}
    std::function<std::int64_t()> m_clock;  // %{t}
};

struct SidfOutput {
    SidfResult m_result = SidfResult::none;
    SidfFailReason m_fail_reason = SidfFailReason::none;
    SidfScope m_scope = SidfScope::pra;
    std::string m_identity;  // the mailbox checked (PRA or MAIL FROM); empty if none
    std::string m_header;    // pra scope: the field the PRA came from
    std::string m_reason;
    std::string m_mechanism;
    std::string m_explanation;
    std::size_t m_dns_terms = 0;
    std::size_t m_void_lookups = 0;
};

// check_sender_id - authorize `input.m_ip` for the identity of `input.m_scope`.
coro::Task<SidfOutput> check_sender_id(resolver::Resolver& resolver, const SidfInput& input,
                                       spf::SpfLimits& limits);

}  // namespace enma::sidf
