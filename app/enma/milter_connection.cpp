// milter_connection.cpp - the SMTP steps of one connection.
#include "app/enma/milter_connection.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>
#include <ctime>

#include "app/common/arc_fields.hpp"
#include "app/common/dmarc_fields.hpp"
#include "app/common/logging.hpp"
#include "app/enma/milter_write_batch.hpp"
#include "app/report/row_from_verdict.hpp"
#include "verify/authres/authserv_id.hpp"
#include "verify/message/header_field.hpp"

// enma_worker_parked - libmilter_tcp.cpp's; absent (null) in a build without the wraps.
extern "C" __attribute__((weak)) void enma_worker_parked(int parked);

namespace enma::app {

namespace {

// ParkedWorker - while end of message waits for its lookups, libmilter's pool controller
// does not count this worker as busy (milter_worker_budget.hpp): slow DNS holds a thread per
// waiting message, as libmilter always did, but never holds back the other sessions.
struct ParkedWorker {
    ParkedWorker() {
        if (enma_worker_parked != nullptr)
            enma_worker_parked(1);
    }
    ~ParkedWorker() {
        if (enma_worker_parked != nullptr)
            enma_worker_parked(0);
    }
    ParkedWorker(const ParkedWorker&) = delete;
    ParkedWorker& operator=(const ParkedWorker&) = delete;
};

const char* kArField = "Authentication-Results";

std::optional<resolver::IpAddress> to_ip(const sockaddr* address) {
    if (address == nullptr)
        return std::nullopt;
    if (address->sa_family == AF_INET) {
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
        std::array<std::uint8_t, 4> bytes;
        std::memcpy(bytes.data(), &v4->sin_addr, 4);
        return resolver::IpAddress::v4(bytes);
    }
    if (address->sa_family == AF_INET6) {
        const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
        std::array<std::uint8_t, 16> bytes;
        std::memcpy(bytes.data(), &v6->sin6_addr, 16);
        return resolver::IpAddress::v6(bytes);
    }
    return std::nullopt;
}

std::string macro(SMFICTX* ctx, const char* name) {
    const char* value = smfi_getsymval(ctx, const_cast<char*>(name));
    return value ? value : "";
}

}  // namespace

MilterConnection::MilterConnection(coro::Scheduler& scheduler,
                                   std::shared_ptr<const Runtime> runtime,
                                   unsigned long protocol_flags, Reporters reporters)
    : m_scheduler(scheduler),
      m_runtime(std::move(runtime)),
      m_protocol(protocol_flags),
      m_reporters(reporters) {
    if (m_runtime->m_metrics)
        m_runtime->m_metrics->connection_opened();
}

MilterConnection::~MilterConnection() {
    if (m_runtime->m_metrics)
        m_runtime->m_metrics->connection_closed();
    if (m_message)
        m_message->abort();
}

sfsistat MilterConnection::no_reply(unsigned long flag) const {
    return (m_protocol & flag) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

sfsistat MilterConnection::fail_action() const {
    return m_runtime->m_config.m_milter.m_fail_action == conf::FailAction::tempfail
               ? SMFIS_TEMPFAIL
               : SMFIS_CONTINUE;
}

sfsistat MilterConnection::failed() {
    m_failed = true;
    return fail_action();
}

// connect - a client we cannot or need not verify (excluded, local, no address) is not
// verified, but its messages still come through for the deletion of forged A-R fields.
sfsistat MilterConnection::connect(SMFICTX* /*ctx*/, const char* hostname,
                                   const sockaddr* address) {
    const auto ip = to_ip(address);
    m_info.m_hostname = hostname ? hostname : "";
    if (!ip || m_runtime->is_excluded(*ip)) {
        m_excluded = true;
        emit(spdlog::level::debug, LogRecord("connection.excluded")
                                       .add("client_name", m_info.m_hostname)
                                       .add("client_ip", ip ? ip->to_string() : "none"));
        return SMFIS_CONTINUE;
    }
    m_info.m_ip = *ip;
    if (m_runtime->m_auth->m_iprev)
        m_iprev = std::make_shared<pipeline::ConnectionIprev>(
            m_scheduler, m_runtime->m_resolver, *ip, m_runtime->m_auth->m_max_queries);
    return SMFIS_CONTINUE;
}

sfsistat MilterConnection::helo(const char* name) {
    m_info.m_helo = name ? name : "";
    return no_reply(SMFIP_NR_HELO);
}

// start_message - forget the previous message (a new MAIL FROM may come without ABORT).
void MilterConnection::start_message() {
    if (m_message)
        m_message->abort();
    m_message.reset();
    m_failed = false;
    m_ar_fields = 0;
    m_forged.clear();
    m_rcpt_to.clear();
    m_header_copy.clear();
}

sfsistat MilterConnection::envfrom(SMFICTX* ctx, char** argv) {
    start_message();
    m_queue_id = macro(ctx, "i");
    if (m_excluded)
        return no_reply(SMFIP_NR_MAIL);
    m_info.m_authenticated = !macro(ctx, "{auth_authen}").empty();
    m_message = std::make_unique<pipeline::MessageSession>(m_scheduler, m_runtime->m_resolver,
                                                           m_runtime->m_auth, m_info, m_iprev);
    m_message->mail_from(argv && argv[0] ? argv[0] : "");
    return no_reply(SMFIP_NR_MAIL);
}

// envrcpt - negotiated only for the reports (milter_bridge.cpp): the first recipient is theirs.
sfsistat MilterConnection::envrcpt(char** argv) {
    if (m_rcpt_to.empty() && argv && argv[0])
        m_rcpt_to = argv[0];
    return no_reply(SMFIP_NR_RCPT);
}

// header - forged A-R fields are noted here too, so that they are deleted even when the
// message has no MessageSession (excluded client, failed MAIL FROM).
sfsistat MilterConnection::header(const char* name, const char* value) {
    if (!name || !value)
        return no_reply(SMFIP_NR_HDR);
    // Without SMFIP_HDR_LEADSPC the MTA strips the blank after the colon, which simple
    // canonicalisation signs: the usual single space is put back (docs/daemon.md).
    std::string restored;
    if (!(m_protocol & SMFIP_HDR_LEADSPC)) {
        restored = std::string(" ") + value;
        value = restored.c_str();
    }
    if (message::iequals(name, kArField)) {
        ++m_ar_fields;
        if (verify::is_own_authserv_id(value, m_runtime->m_auth->m_authserv_id))
            m_forged.push_back(m_ar_fields);
    }
    if (m_message && !m_failed)
        m_message->header(name, value);
    if (m_reporters.m_failures && m_message)
        m_header_copy.add(name, value);
    return no_reply(SMFIP_NR_HDR);
}

sfsistat MilterConnection::eoh() {
    if (m_message && !m_failed)
        m_message->end_of_headers();
    return no_reply(SMFIP_NR_EOH);
}

sfsistat MilterConnection::body(const unsigned char* chunk, size_t length) {
    if (m_message && !m_failed && chunk)
        m_message->body(std::string_view(reinterpret_cast<const char*>(chunk), length));
    return no_reply(SMFIP_NR_BODY);
}

// eom - an excluded client's message only loses its forged fields; a message whose state is
// missing or broken, or whose changes the MTA refused, fails closed (fail_message).
sfsistat MilterConnection::eom(SMFICTX* ctx) {
    if (m_queue_id.empty())
        m_queue_id = macro(ctx, "i");
    if (m_excluded) {
        const std::vector<int> forged(m_forged.rbegin(), m_forged.rend());
        m_forged.clear();  // never deleted twice, even when fail_message() follows
        bool removed = false;
        {
            const WriteBatch batch;
            removed = remove_forged(ctx, forged);
        }
        return removed ? SMFIS_CONTINUE : fail_message(ctx, "smfi_chgheader failed");
    }
    if (!m_message || m_failed)
        return fail_message(ctx, m_message ? "an earlier step failed" : "no message state");
    std::optional<pipeline::Verdict> verdict;
    try {
        const ParkedWorker parked;
        verdict = m_message->end_of_message();
    } catch (const std::exception& e) {
        return fail_message(ctx, e.what());
    }
    if (const sfsistat status = act(ctx, *verdict); status != SMFIS_CONTINUE) {
        m_forged.clear();  // a refused message is not delivered: nothing to remove
        log_message(ctx, *verdict);
        m_message.reset();
        return status;
    }
    std::string refused;
    {
        const WriteBatch batch;  // the modifications leave with the final reply
        refused = apply(ctx, *verdict);
    }
    m_forged.clear();  // apply() dealt with them: an index is never deleted twice
    log_message(ctx, *verdict);
    m_message.reset();
    return refused.empty() ? SMFIS_CONTINUE : fail_message(ctx, refused);
}

// act - the action a verdict asks for (dmarc.*_action; none by default). A message is never
// discarded: it is rejected or deferred with a reply the client sees, or held by the MTA.
sfsistat MilterConnection::act(SMFICTX* ctx, const pipeline::Verdict& verdict) {
    const auto reply = [&] {
        return smfi_setreply(ctx, const_cast<char*>(verdict.m_reply.m_code.c_str()),
                             const_cast<char*>(verdict.m_reply.m_status.c_str()),
                             const_cast<char*>(verdict.m_reply.m_text.c_str()));
    };
    switch (verdict.m_action) {
        case pipeline::Action::reject:
            reply();
            return SMFIS_REJECT;
        case pipeline::Action::tempfail:
            reply();
            return SMFIS_TEMPFAIL;
        case pipeline::Action::quarantine:
            if (smfi_quarantine(ctx, const_cast<char*>("DMARC policy quarantine")) != MI_SUCCESS)
                emit(spdlog::level::warn, LogRecord("action.failed")
                                              .add("queue_id", m_queue_id)
                                              .add("action", "quarantine"));
            break;
        case pipeline::Action::none:
            break;
    }
    return SMFIS_CONTINUE;
}

sfsistat MilterConnection::abort() {
    start_message();
    return SMFIS_CONTINUE;
}

// fail_message - the fail-closed end of a message: forged fields deleted anyway, one error
// record, the configured answer.
sfsistat MilterConnection::fail_message(SMFICTX* ctx, const std::string& why) {
    bool removed = true;
    {
        const WriteBatch batch;
        removed = remove_forged(ctx, std::vector<int>(m_forged.rbegin(), m_forged.rend()));
    }
    const sfsistat action = fail_action();
    emit(spdlog::level::err, LogRecord("milter.error")
                                 .add("step", "eom")
                                 .add("queue_id", m_queue_id)
                                 .add("error", why)
                                 .add("forged_removed", removed)
                                 .add("action", action == SMFIS_TEMPFAIL ? "tempfail" : "accept"));
    if (m_runtime->m_metrics)
        m_runtime->m_metrics->internal_error("eom");
    start_message();
    return action;
}

// remove_forged - highest index first, so earlier indices stay valid on every MTA.
bool MilterConnection::remove_forged(SMFICTX* ctx, const std::vector<int>& indices) {
    bool ok = true;
    for (int index : indices)
        if (smfi_chgheader(ctx, const_cast<char*>(kArField), index, nullptr) != MI_SUCCESS)
            ok = false;
    return ok;
}

// apply - forged fields go first, then ours goes on top. Returns what the MTA refused, or
// an empty string.
std::string MilterConnection::apply(SMFICTX* ctx, const pipeline::Verdict& verdict) {
    if (!remove_forged(ctx, verdict.m_forged_indices))
        return "smfi_chgheader failed";
    // With SMFIP_HDR_LEADSPC the MTA takes values verbatim, so the space after ':' is ours.
    std::string value = (m_protocol & SMFIP_HDR_LEADSPC) ? " " : "";
    value += verdict.m_header_value;
    if (smfi_insheader(ctx, 0, const_cast<char*>(kArField), value.data()) != MI_SUCCESS)
        return "smfi_insheader failed";
    if (verdict.m_seal && verdict.m_seal->m_set)
        return insert_seal(ctx, *verdict.m_seal->m_set);
    return "";
}

// insert_seal - each field goes on top, so the set reads AS, AMS, AAR above our A-R, newest
// first, as RFC 8617 4.1 shows it.
std::string MilterConnection::insert_seal(SMFICTX* ctx, const arc::SealedSet& set) {
    const std::string space = (m_protocol & SMFIP_HDR_LEADSPC) ? " " : "";
    const std::pair<std::string_view, const std::string*> fields[] = {
        {arc::kAarName, &set.m_aar}, {arc::kAmsName, &set.m_ams}, {arc::kSealName, &set.m_seal}};
    for (const auto& [name, text] : fields) {
        std::string field(name), value = space + *text;
        if (smfi_insheader(ctx, 0, field.data(), value.data()) != MI_SUCCESS)
            return "smfi_insheader failed (" + field + ")";
    }
    return "";
}

void MilterConnection::log_message(SMFICTX* /*ctx*/, const pipeline::Verdict& verdict) {
    LogRecord record("message");
    record.add("queue_id", m_queue_id)
        .add("client_ip", m_info.m_ip.to_string())
        .add("client_name", m_info.m_hostname)
        .add("helo", m_info.m_helo)
        .add("mail_from", m_message->envelope_from())
        .add("header_from", verdict.m_header_from);
    int dkim = 0;
    for (const auto& result : verdict.m_results) {
        std::string key = result.m_method;
        if (result.m_method == "dkim")
            key += std::to_string(++dkim);
        record.add(key, result.m_result);
        if (!result.m_reason.empty())
            record.add(key + "_reason", result.m_reason);
        if (!result.m_dnssec.empty())
            record.add(key + "_dnssec", result.m_dnssec);
        for (const auto& property : result.m_properties)
            if (result.m_method == "dkim" &&
                (property.m_property == "d" || property.m_property == "s"))
                record.add(key + "_" + property.m_property, property.m_value);
    }
    if (verdict.m_arc)
        add_arc_fields(record, *verdict.m_arc);
    if (verdict.m_dmarc)
        add_dmarc_fields(record, *verdict.m_dmarc);
    if (verdict.m_seal) {
        record.add("arc_sealed", verdict.m_seal->log_value());
        if (!verdict.m_seal->m_skipped.empty())
            record.add("arc_sealed_reason", verdict.m_seal->m_skipped);
    }
    if (!verdict.m_spf_explanation.empty())
        record.add("spf_explanation", verdict.m_spf_explanation);
    if (!verdict.m_sidf_explanation.empty())
        record.add("sidf_explanation", verdict.m_sidf_explanation);
    record.add("forged_removed", static_cast<std::int64_t>(verdict.m_forged_indices.size()))
        .add("dns_queries", static_cast<std::int64_t>(verdict.m_queries))
        .add("dns_refused", static_cast<std::int64_t>(verdict.m_queries_refused))
        .add("dnssec_secure", static_cast<std::int64_t>(verdict.m_dns.m_secure))
        .add("dnssec_insecure", static_cast<std::int64_t>(verdict.m_dns.m_insecure))
        .add("dnssec_bogus", static_cast<std::int64_t>(verdict.m_dns.m_bogus))
        .add("dns_failures", static_cast<std::int64_t>(verdict.m_dns.m_failures))
        .add("deadline_expired", verdict.m_deadline_expired)
        .add("eom_ms", verdict.m_eom_ms);
    emit(spdlog::level::info, record);
    if (m_runtime->m_metrics)
        m_runtime->m_metrics->message(verdict);
    record_dmarc(verdict);
}

// record_dmarc - the message's row for the report store and its failure-report job, when it
// had a DMARC policy.
void MilterConnection::record_dmarc(const pipeline::Verdict& verdict) {
    if (m_reporters.m_recorder == nullptr && m_reporters.m_failures == nullptr)
        return;
    const auto ip = m_info.m_ip.to_string();
    auto row = report::row_from_verdict({verdict, ip, m_message->envelope_from(), m_rcpt_to,
                                         m_runtime->m_auth->m_dmarc.m_mode,
                                         static_cast<std::int64_t>(std::time(nullptr))});
    if (!row)
        return;
    if (m_reporters.m_failures)
        if (auto job = report::failure_job(*row, verdict.m_header_value, m_header_copy))
            m_reporters.m_failures->offer(std::move(*job));
    if (m_reporters.m_recorder)
        m_reporters.m_recorder->offer(std::move(*row));
}

}  // namespace enma::app
