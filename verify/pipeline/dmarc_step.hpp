// dmarc_step.hpp - DMARC's part of a message's flow (message_session.hpp).
//
// At end of headers, start_dmarc_lookups() finds the Author Domain and starts every lookup
// the evaluation can foresee, together, on the message's task group (one round trip in the
// usual case). At end of message, after SPF and DKIM, finish_dmarc() evaluates; a lookup it
// did not foresee (an np= existence check, a walk for an unexpected identifier) is fetched
// in a further round under what is left of the message's deadline.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "verify/authres/auth_results.hpp"
#include "verify/pipeline/auth_settings.hpp"
#include "verify/pipeline/message_state.hpp"

namespace enma::pipeline {

// DmarcVerdict - the evaluation, what enma does about it, and why (RFC 9990's
// policy_evaluated: disposition and override reason).
struct DmarcVerdict {
    dmarc::DmarcOutput m_output;
    std::string m_spf_domain;  // the identifier SPF authenticated (or tried to)
    std::string m_spf_scope;   // "mfrom", or "helo" for a null reverse-path
    Action m_action = Action::none;
    dmarc::Policy m_applied = dmarc::Policy::none;  // what was done: the "dis=" of the A-R
    std::string m_override;  // RFC 9990 PolicyOverrideType when m_applied is less than asked
    // Why, when enma itself overrode (a trusted ARC sealer: "arc=pass as.2.d=... dmarc=pass");
    // goes into the A-R comment and the log record (RFC 9990's reason comment).
    std::string m_override_comment;
    SmtpReply m_reply;  // for reject and tempfail
};

// DmarcContext - what the step needs from the session.
struct DmarcContext {
    const AuthSettings& m_settings;
    std::string_view m_mail_from;  // without angle brackets; empty for the null path
    std::string_view m_helo;
    const resolver::IpAddress& m_client;
    bool m_authenticated = false;
};

// start_dmarc_lookups - the Author Domain, and the task fetching foreseeable lookups (none
// when there is nothing to look up). `signing_domains` are the d= of the DKIM signatures.
std::optional<coro::Task<void>> start_dmarc_lookups(
    std::shared_ptr<MessageState> state, const DmarcContext& context,
    const std::vector<std::string>& signing_domains);

// finish_dmarc - the verdict; `deadline` is when the message's DNS time runs out.
DmarcVerdict finish_dmarc(const std::shared_ptr<MessageState>& state, const DmarcContext& context,
                          std::chrono::steady_clock::time_point deadline);

// dmarc_auth_result - the A-R resinfo: dmarc=fail (p=reject dis=none) header.from=... .
verify::AuthResult dmarc_auth_result(const DmarcVerdict& verdict);

}  // namespace enma::pipeline
