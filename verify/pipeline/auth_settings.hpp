// auth_settings.hpp - what a message's verification runs with (a config snapshot).
//
// Immutable once built and shared by every message started under it; a SIGHUP reload builds
// a new one, and messages already under way keep theirs.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "resolver/ip_address.hpp"
#include "verify/arc/arc_limits.hpp"
#include "verify/arc/arc_seal.hpp"
#include "verify/dkim/dkim_options.hpp"
#include "verify/dmarc/dmarc_result.hpp"
#include "verify/dmarc/public_suffix_list.hpp"

namespace enma::pipeline {

// Action - what the MTA is told to do with a message (only DMARC asks for one today).
enum class Action : std::uint8_t { none, reject, quarantine, tempfail };

// SmtpReply - a reply the MTA sends for a rejected or deferred message; "%d" in the text
// stands for the author domain.
struct SmtpReply {
    std::string m_code;    // "550"
    std::string m_status;  // "5.7.1" (RFC 3463)
    std::string m_text;
};

// DmarcSettings - dmarc.*: evaluation, and the actions that are all off by default.
struct DmarcSettings {
    bool m_enabled = false;  // dmarc.auth
    dmarc::OrgDomainMode m_mode = dmarc::OrgDomainMode::tree_walk;
    std::shared_ptr<const dmarc::PublicSuffixList> m_psl;  // loaded in PSL mode only
    Action m_on_reject = Action::none;                     // disposition reject
    Action m_on_quarantine = Action::none;                 // disposition quarantine
    Action m_on_temperror = Action::none;                  // dmarc=temperror
    SmtpReply m_reject_reply{"550", "5.7.1", "Message rejected per DMARC policy of %d"};
    SmtpReply m_tempfail_reply{"451", "4.7.1", "DMARC policy of %d could not be evaluated"};
    std::vector<resolver::Network> m_exempt_addresses;  // clients never acted on
    bool m_exempt_authenticated = true;                 // SMTP AUTH clients never acted on
};

// ArcSettings - arc.*: chain validation (RFC 8617 5.2) and the trusted sealers whose
// ARC-Authentication-Results may override a DMARC fail (RFC 8617 7.2).
struct ArcSettings {
    bool m_enabled = false;  // arc.auth
    arc::ArcLimits m_limits;
    std::vector<std::string> m_trusted_sealers;  // arc.trusted_sealers: lower-case domains
};

struct AuthSettings {
    std::string m_authserv_id;         // authresult.identifier (the host name by default)
    std::string m_receiver;            // SPF %{r}: our host name
    bool m_spf = true;                 // spf.auth
    bool m_sidf = true;                // sidf.auth
    bool m_dkim = true;                // dkim.auth
    bool m_adsp = false;               // dkimadsp.auth: RFC 5617 ADSP after the DKIM verdict
    bool m_iprev = false;              // iprev.auth: RFC 8601 3 reverse DNS of the client
    bool m_spf_hardfail = false;       // authresult.spf_hardfail: ENMA 1.x "hardfail"
    bool m_spf_explog = false;         // spf.explog: the exp= text goes into the Verdict
    bool m_sidf_explog = false;        // sidf.explog: the same for Sender ID
    bool m_skip_authenticated = true;  // milter.skip_authenticated: no SPF/Sender ID for AUTH
    bool m_spf_prefetch = true;        // speculative parallel SPF lookups
    std::size_t m_max_queries = 256;   // resolver.max_queries_per_message
    std::chrono::milliseconds m_deadline{10'000};  // milter.verify_deadline, from end of message
    std::size_t m_max_header_bytes = 4 << 20;      // headers kept beyond this are not verified
    dkim::DkimOptions m_dkim_options;
    DmarcSettings m_dmarc;
    ArcSettings m_arc;
    std::shared_ptr<const arc::SealSettings> m_arc_seal;  // arc.seal_*; null: no sealing
};

}  // namespace enma::pipeline
