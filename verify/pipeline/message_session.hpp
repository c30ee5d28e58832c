// message_session.hpp - the flow of one message through every method (DESIGN.md).
//
// The milter (and enma-check) drive it in SMTP order from one thread:
//   mail_from()     SPF starts now, on the scheduler; iprev too, unless the connection
//                   started it at CONNECT (connection_iprev.hpp), as the milter does
//   header()        kept for DKIM and the PRA (bounded); Authentication-Results fields
//                   carrying our authserv-id are noted
//   end_of_headers()  one key lookup per DKIM-Signature, Sender ID (PRA) and the DMARC
//                   policy lookups (dmarc_step.hpp) start, together
//                   (with arc.auth, the ARC chain's key lookups too: arc_step.hpp)
//   body()          chunks go straight into the DKIM body hashes, on the calling thread
//   end_of_message()  waits for all lookups under the per-message deadline (expiry cancels
//                   them, so they end as temperror), checks signatures on the calling
//                   thread and returns the header to add, the forged ones to delete, and
//                   everything the log record needs
//                   (with dkimadsp.auth, ADSP needs the DKIM verdicts: its lookups are a
//                   second round on the same group, under what is left of the deadline;
//                   DMARC evaluates after SPF and DKIM, with a further round only for
//                   lookups it could not foresee)
//   Headers past AuthSettings::m_max_header_bytes are not kept: the methods that read
//   headers (DKIM, Sender ID, ADSP, DMARC) then report permerror "header too large" rather
//   than a verdict on part of the header.
//   abort()         cancels the lookups; the shared State lives until the last one is back
//
// Invariant: all methods but abort() are called from one thread, in the order above;
// abort() may come at any point instead of end_of_message().
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "coro/scheduler.hpp"
#include "resolver/ip_address.hpp"
#include "resolver/resolver.hpp"
#include "resolver/scoped_resolver.hpp"
#include "verify/adsp/adsp_check.hpp"
#include "verify/authres/auth_results.hpp"
#include "verify/pipeline/arc_step.hpp"
#include "verify/pipeline/auth_settings.hpp"
#include "verify/pipeline/connection_iprev.hpp"
#include "verify/pipeline/dmarc_step.hpp"
#include "verify/pipeline/seal_step.hpp"
#include "verify/spf/spf_types.hpp"

namespace enma::pipeline {

struct MessageState;  // what the lookups share with the session (message_session.cpp)

struct ConnectionInfo {
    resolver::IpAddress m_ip;
    std::string m_hostname;  // the MTA's name for the client ("[ip]" when unknown)
    std::string m_helo;
    bool m_authenticated = false;  // SMTP AUTH succeeded ({auth_authen} was set)
};

// Verdict - what end_of_message() decided.
struct Verdict {
    std::string m_header_value;         // Authentication-Results value, folded "\n\t"
    std::vector<int> m_forged_indices;  // 1-based among A-R fields, highest first
    std::vector<verify::AuthResult> m_results;
    std::string m_header_from;              // first From value (for the log), unfolded
    std::size_t m_queries = 0;              // DNS queries sent for this message
    std::size_t m_queries_refused = 0;      // over the per-message budget
    resolver::ScopedResolver::Stats m_dns;  // DNSSEC states of the answers
    bool m_deadline_expired = false;        // some lookups were cancelled by the deadline
    double m_eom_ms = 0;  // end_of_message(): waiting for DNS plus checking signatures
    std::optional<DmarcVerdict> m_dmarc;  // with dmarc.auth: the evaluation and its action
    std::optional<ArcVerdict> m_arc;      // with arc.auth: the chain's validation
    Action m_action = Action::none;       // what the MTA is to do with the message
    SmtpReply m_reply;                    // its reply, for reject and tempfail
    bool m_headers_truncated = false;     // the header passed the kept-header bound
    std::string m_spf_explanation;        // exp= text of an SPF fail, if spf.explog (for the log)
    std::string m_sidf_explanation;       // the same for Sender ID, if sidf.explog
    std::optional<SealOutcome> m_seal;    // with arc.seal_*: this hop's ARC set, or why none
};

class MessageSession {
public:
    // iprev: the connection's lookups (started at CONNECT, shared by its messages), or null
    // to run them for this message alone from MAIL FROM (enma-check).
    MessageSession(coro::Scheduler& scheduler, std::shared_ptr<resolver::Resolver> resolver,
                   std::shared_ptr<const AuthSettings> settings, ConnectionInfo connection,
                   std::shared_ptr<ConnectionIprev> iprev = {});
    ~MessageSession();
    MessageSession(const MessageSession&) = delete;
    MessageSession& operator=(const MessageSession&) = delete;

    void mail_from(std::string_view address);
    void header(std::string_view name, std::string_view value);
    void end_of_headers();
    void body(std::string_view chunk);
    Verdict end_of_message();
    void abort();

    const ConnectionInfo& connection() const noexcept { return m_connection; }
    const std::string& envelope_from() const noexcept { return m_mail_from; }

private:
    spf::SpfInput spf_input() const;
    void add_iprev_result(Verdict& verdict) const;
    void finish_connection_iprev(Verdict& verdict);
    void add_spf_result(Verdict& verdict) const;
    void add_sidf_result(Verdict& verdict) const;
    void add_dkim_results(Verdict& verdict);
    void add_arc_result(Verdict& verdict);
    void add_adsp_result(Verdict& verdict, std::chrono::steady_clock::time_point started);
    adsp::AdspOutput adsp_output(Verdict& verdict, const std::string& domain,
                                 std::chrono::steady_clock::time_point started);
    void add_dmarc_result(Verdict& verdict, std::chrono::steady_clock::time_point started);
    void mark_truncated(Verdict& verdict) const;
    DmarcContext dmarc_context() const;
    std::optional<SealChain> seal_chain(const Verdict& verdict) const;
    dkim::BodyHash* running_seal_body() const;

    [[maybe_unused]] coro::Scheduler& m_scheduler;  // clang: kept for the lookups to come
    std::shared_ptr<const AuthSettings> m_settings;
    ConnectionInfo m_connection;
    std::shared_ptr<MessageState> m_state;
    std::shared_ptr<ConnectionIprev> m_iprev;  // null: iprev runs in m_state's group
    std::unique_ptr<SealStep> m_seal;          // only with arc.seal_*
    std::string m_mail_from;
    std::size_t m_header_bytes = 0;
    int m_ar_fields = 0;
    std::vector<int> m_forged;
    bool m_finished = false;
    bool m_headers_ended = false;
    bool m_headers_truncated = false;
};

}  // namespace enma::pipeline
