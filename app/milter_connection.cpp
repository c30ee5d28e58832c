// milter_connection.cpp - the SMTP steps of one connection.
#include "app/milter_connection.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

#include "app/logging.hpp"
#include "app/milter_write_batch.hpp"

namespace enma::app {

namespace {

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
                                   unsigned long protocol_flags)
    : m_scheduler(scheduler), m_runtime(std::move(runtime)), m_protocol(protocol_flags) {
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

sfsistat MilterConnection::failed() const {
    return m_runtime->m_config.m_milter.m_fail_action == conf::FailAction::tempfail
               ? SMFIS_TEMPFAIL
               : SMFIS_CONTINUE;
}

// connect - a client we cannot or need not verify (excluded, local, no address) is accepted:
// the MTA then skips this filter for the rest of the connection.
sfsistat MilterConnection::connect(SMFICTX* /*ctx*/, const char* hostname,
                                   const sockaddr* address) {
    const auto ip = to_ip(address);
    if (!ip || m_runtime->is_excluded(*ip)) {
        m_excluded = true;
        emit(spdlog::level::debug, LogRecord("connection.excluded")
                                       .add("client_name", hostname ? hostname : "")
                                       .add("client_ip", ip ? ip->to_string() : "none"));
        return SMFIS_ACCEPT;
    }
    m_info.m_ip = *ip;
    m_info.m_hostname = hostname ? hostname : "";
    return SMFIS_CONTINUE;
}

sfsistat MilterConnection::helo(const char* name) {
    m_info.m_helo = name ? name : "";
    return no_reply(SMFIP_NR_HELO);
}

sfsistat MilterConnection::envfrom(SMFICTX* ctx, char** argv) {
    if (m_message)
        m_message->abort();  // a new MAIL FROM without ABORT: start over
    m_info.m_authenticated = !macro(ctx, "{auth_authen}").empty();
    m_queue_id = macro(ctx, "i");
    m_message = std::make_unique<pipeline::MessageSession>(m_scheduler, m_runtime->m_resolver,
                                                           m_runtime->m_auth, m_info);
    m_message->mail_from(argv && argv[0] ? argv[0] : "");
    return no_reply(SMFIP_NR_MAIL);
}

sfsistat MilterConnection::header(const char* name, const char* value) {
    if (m_message && name && value)
        m_message->header(name, value);
    return no_reply(SMFIP_NR_HDR);
}

sfsistat MilterConnection::eoh() {
    if (m_message)
        m_message->end_of_headers();
    return no_reply(SMFIP_NR_EOH);
}

sfsistat MilterConnection::body(const unsigned char* chunk, size_t length) {
    if (m_message && chunk)
        m_message->body(std::string_view(reinterpret_cast<const char*>(chunk), length));
    return no_reply(SMFIP_NR_BODY);
}

sfsistat MilterConnection::eom(SMFICTX* ctx) {
    if (!m_message)
        return SMFIS_CONTINUE;
    if (m_queue_id.empty())
        m_queue_id = macro(ctx, "i");
    const auto verdict = m_message->end_of_message();
    {
        const WriteBatch batch;  // the modifications leave with the final reply
        apply(ctx, verdict);
    }
    log_message(ctx, verdict);
    m_message.reset();
    return SMFIS_CONTINUE;
}

sfsistat MilterConnection::abort() {
    if (m_message)
        m_message->abort();
    m_message.reset();
    return SMFIS_CONTINUE;
}

// apply - forged fields go first, highest index first, so earlier indices stay valid on
// every MTA; then ours goes on top.
void MilterConnection::apply(SMFICTX* ctx, const pipeline::Verdict& verdict) {
    for (int index : verdict.m_forged_indices)
        smfi_chgheader(ctx, const_cast<char*>(kArField), index, nullptr);
    // With SMFIP_HDR_LEADSPC the MTA takes values verbatim, so the space after ':' is ours.
    std::string value = (m_protocol & SMFIP_HDR_LEADSPC) ? " " : "";
    value += verdict.m_header_value;
    smfi_insheader(ctx, 0, const_cast<char*>(kArField), value.data());
}

void MilterConnection::log_message(SMFICTX* /*ctx*/, const pipeline::Verdict& verdict) const {
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
        for (const auto& property : result.m_properties)
            if (result.m_method == "dkim" &&
                (property.m_property == "d" || property.m_property == "s"))
                record.add(key + "_" + property.m_property, property.m_value);
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
}

}  // namespace enma::app
