// settings.cpp - Config to ResolverOptions and AuthSettings.
#include "app/common/settings.hpp"

#include <unistd.h>

#include <climits>
#include <stdexcept>

namespace enma::app {

namespace {

resolver::ResolverOptions::Mode to_mode(conf::ResolverMode mode) {
    switch (mode) {
        case conf::ResolverMode::forward:
            return resolver::ResolverOptions::Mode::forward;
        case conf::ResolverMode::system:
            return resolver::ResolverOptions::Mode::system;
        case conf::ResolverMode::recursive:
            break;
    }
    return resolver::ResolverOptions::Mode::recursive;
}

pipeline::Action to_action(conf::DmarcAction action) {
    switch (action) {
        case conf::DmarcAction::reject:
            return pipeline::Action::reject;
        case conf::DmarcAction::quarantine:
            return pipeline::Action::quarantine;
        case conf::DmarcAction::tempfail:
            return pipeline::Action::tempfail;
        case conf::DmarcAction::none:
            break;
    }
    return pipeline::Action::none;
}

pipeline::SmtpReply to_reply(const conf::SmtpReplyConfig& reply) {
    return {reply.m_code, reply.m_status, reply.m_text};
}

// dmarc_settings - dmarc.*; the public suffix list is loaded here, so a reload reads it anew.
pipeline::DmarcSettings dmarc_settings(const conf::DmarcConfig& config) {
    pipeline::DmarcSettings settings;
    settings.m_enabled = config.m_auth;
    settings.m_mode = config.m_org_domain == conf::DmarcOrgDomain::psl
                          ? dmarc::OrgDomainMode::psl
                          : dmarc::OrgDomainMode::tree_walk;
    if (settings.m_enabled && settings.m_mode == dmarc::OrgDomainMode::psl)
        settings.m_psl = dmarc::PublicSuffixList::load(config.m_psl_file);
    settings.m_on_reject = to_action(config.m_reject_action);
    settings.m_on_quarantine = to_action(config.m_quarantine_action);
    settings.m_on_temperror = to_action(config.m_temperror_action);
    settings.m_reject_reply = to_reply(config.m_reject_reply);
    settings.m_tempfail_reply = to_reply(config.m_tempfail_reply);
    settings.m_exempt_addresses = config.m_exempt_addresses;
    settings.m_exempt_authenticated = config.m_exempt_authenticated;
    return settings;
}

// seal_settings - arc.seal_*; the key is read here, so a reload reads it anew. A key file
// that cannot be used stops start-up (or a reload) naming the file, never its content.
std::shared_ptr<const arc::SealSettings> seal_settings(const conf::ArcConfig& config) {
    if (config.m_seal_key_file.empty())
        return nullptr;
    auto settings = std::make_shared<arc::SealSettings>();
    try {
        settings->m_key = std::make_shared<const dkim::SigningKey>(
            dkim::SigningKey::load_file(config.m_seal_key_file));
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(std::string("arc.seal_key_file ") + e.what());
    }
    settings->m_domain = config.m_seal_domain;
    settings->m_selector = config.m_seal_selector;
    settings->m_headers = config.m_seal_headers;
    return settings;
}

}  // namespace

resolver::ResolverOptions resolver_options(const conf::Config& config) {
    const auto& section = config.m_resolver;
    resolver::ResolverOptions options;
    options.m_mode = to_mode(section.m_mode);
    for (const auto& server : section.m_forwarders)
        options.m_forwarders.push_back(server.to_string());
    options.m_dnssec = section.m_dnssec;
    options.m_root_trust_anchor_file = section.m_trust_anchor_file;
    for (const auto& stub : section.m_stub_zones) {
        resolver::StubZone zone{stub.m_zone, {}};
        for (const auto& server : stub.m_servers)
            zone.m_servers.push_back(server.to_string());
        options.m_stub_zones.push_back(std::move(zone));
    }
    options.m_edns_buffer_size = static_cast<std::uint16_t>(section.m_edns_buffer_size);
    options.m_query_timeout = section.m_query_timeout;
    options.m_cache_size = static_cast<std::size_t>(section.m_cache_size);
    return options;
}

pipeline::AuthSettings auth_settings(const conf::Config& config, const std::string& host_name) {
    pipeline::AuthSettings settings;
    settings.m_authserv_id =
        config.m_authresult.m_identifier.empty() ? host_name : config.m_authresult.m_identifier;
    settings.m_receiver = host_name;
    settings.m_spf = config.m_spf.m_auth;
    settings.m_spf_prefetch = config.m_spf.m_prefetch;
    settings.m_sidf = config.m_sidf.m_auth;
    settings.m_dkim = config.m_dkim.m_auth;
    settings.m_adsp = config.m_dkimadsp.m_auth;
    settings.m_iprev = config.m_iprev.m_auth;
    settings.m_spf_hardfail = config.m_authresult.m_spf_hardfail;
    settings.m_spf_explog = config.m_spf.m_explog;
    settings.m_sidf_explog = config.m_sidf.m_explog;
    settings.m_skip_authenticated = config.m_milter.m_skip_authenticated;
    settings.m_max_queries = static_cast<std::size_t>(config.m_resolver.m_max_queries_per_message);
    settings.m_deadline = config.m_milter.m_verify_deadline;
    auto& dkim = settings.m_dkim_options;
    dkim.m_accept_expired_signature = config.m_dkim.m_accept_expired_signature;
    dkim.m_rfc4871_compatible = config.m_dkim.m_rfc4871_compatible;
    dkim.m_signheader_limit = static_cast<std::size_t>(config.m_dkim.m_signheader_limit);
    settings.m_dmarc = dmarc_settings(config.m_dmarc);
    settings.m_arc.m_enabled = config.m_arc.m_auth;
    settings.m_arc.m_trusted_sealers = config.m_arc.m_trusted_sealers;
    settings.m_arc.m_limits.m_max_instances = static_cast<unsigned>(config.m_arc.m_max_instances);
    settings.m_arc.m_limits.m_max_bytes = static_cast<std::size_t>(config.m_arc.m_max_header_bytes);
    settings.m_arc_seal = seal_settings(config.m_arc);
    return settings;
}

std::string local_host_name() {
    char name[HOST_NAME_MAX + 1] = {};
    if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0')
        return "localhost";
    return name;
}

}  // namespace enma::app
