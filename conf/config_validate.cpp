// config_validate.cpp - the cross-key rules.
#include "conf/config_validate.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <iterator>

#include <fmt/format.h>

#include "conf/config_error.hpp"
#include "conf/value_parse.hpp"

namespace enma::conf {

namespace {

// fail - a ConfigError for `key` at the place it was set ("default" if it never was).
[[noreturn]] void fail(const Provenance& provenance, const std::string& key, std::string why) {
    const auto found = provenance.find(key);
    const Location where = found == provenance.end() ? Location{"default", 0} : found->second;
    throw ConfigError(where.m_origin, where.m_line, key, std::move(why));
}

// set_explicitly - the first of the keys that the user set, else the last one.
std::string set_explicitly(const Provenance& provenance, std::initializer_list<std::string> keys) {
    for (const auto& key : keys) {
        if (provenance.contains(key)) {
            return key;
        }
    }
    return *std::prev(keys.end());
}

void check_logging(const Config& config, const Provenance& provenance) {
    if (config.m_log.m_target == LogTarget::file && config.m_log.m_file.empty()) {
        fail(provenance, set_explicitly(provenance, {"log.file", "log.target"}),
             "log.target is file but log.file is empty");
    }
}

void check_resolver(const Config& config, const Provenance& provenance) {
    const auto& resolver = config.m_resolver;
    if (resolver.m_mode == ResolverMode::forward && resolver.m_forwarders.empty()) {
        fail(provenance, set_explicitly(provenance, {"resolver.forwarders", "resolver.mode"}),
             "resolver.mode is forward but resolver.forwarders is empty");
    }
    if (resolver.m_dnssec && resolver.m_trust_anchor_file.empty()) {
        fail(provenance,
             set_explicitly(provenance, {"resolver.trust_anchor_file", "resolver.dnssec"}),
             "resolver.dnssec is true but resolver.trust_anchor_file is empty");
    }
}

void check_milter(const Config& config, const Provenance& provenance) {
    const auto& milter = config.m_milter;
    if (milter.m_verify_deadline >= milter.m_timeout) {
        fail(provenance, set_explicitly(provenance, {"milter.verify_deadline", "milter.timeout"}),
             fmt::format("milter.verify_deadline ({}) must be shorter than milter.timeout ({})",
                         render_duration(milter.m_verify_deadline),
                         render_duration(milter.m_timeout)));
    }
}

void check_dmarc(const Config& config, const Provenance& provenance) {
    const auto& dmarc = config.m_dmarc;
    const auto acts = [](DmarcAction action) { return action != DmarcAction::none; };
    if (!dmarc.m_auth && (acts(dmarc.m_reject_action) || acts(dmarc.m_quarantine_action) ||
                          acts(dmarc.m_temperror_action)))
        fail(provenance,
             set_explicitly(provenance, {"dmarc.reject_action", "dmarc.quarantine_action",
                                         "dmarc.temperror_action", "dmarc.auth"}),
             "a dmarc.*_action is set but dmarc.auth is false");
}

void check_report(const Config& config, const Provenance& provenance) {
    if (!config.m_report.m_store.empty() && !config.m_dmarc.m_auth)
        fail(provenance, set_explicitly(provenance, {"report.store", "dmarc.auth"}),
             "report.store is set but dmarc.auth is false (only DMARC results are recorded)");
    const auto& sender = config.m_report_sender;
    if (sender.m_failure_reports && !config.m_dmarc.m_auth)
        fail(provenance, set_explicitly(provenance, {"report.failure_reports", "dmarc.auth"}),
             "report.failure_reports is true but dmarc.auth is false (failure reports are "
             "about DMARC)");
    if (sender.m_failure_reports && sender.m_email.empty())
        fail(provenance, set_explicitly(provenance, {"report.failure_reports", "report.email"}),
             "report.failure_reports is true but report.email is empty (the From: of the "
             "reports)");
}

// check_arc_seal - the sealing keys go together: one alone would seal nothing.
void check_arc_seal(const Config& config, const Provenance& provenance) {
    const auto& arc = config.m_arc;
    const std::array<std::pair<const char*, const std::string*>, 3> keys{
        {{"arc.seal_key_file", &arc.m_seal_key_file},
         {"arc.seal_selector", &arc.m_seal_selector},
         {"arc.seal_domain", &arc.m_seal_domain}}};
    const auto set = std::count_if(keys.begin(), keys.end(),
                                   [](const auto& key) { return !key.second->empty(); });
    if (set == 0 || set == 3)
        return;
    for (const auto& [name, value] : keys)
        if (value->empty())
            fail(provenance,
                 set_explicitly(provenance,
                                {"arc.seal_key_file", "arc.seal_selector", "arc.seal_domain"}),
                 fmt::format("ARC sealing needs arc.seal_key_file, arc.seal_selector and "
                             "arc.seal_domain together; {} is empty",
                             name));
}

}  // namespace

void validate_config(const Config& config, const Provenance& provenance) {
    check_milter(config, provenance);
    check_logging(config, provenance);
    check_resolver(config, provenance);
    check_dmarc(config, provenance);
    check_report(config, provenance);
    check_arc_seal(config, provenance);
}

}  // namespace enma::conf
