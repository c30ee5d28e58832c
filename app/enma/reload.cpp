// reload.cpp - comparing two configurations key by key through the key table.
#include "app/enma/reload.hpp"

#include <array>

#include "conf/key_table.hpp"

namespace enma::app {

namespace {
constexpr std::array<std::string_view, 20> kRestartOnly{
    "milter.socket",          "milter.socket_mode",
    "milter.socket_group",    "milter.user",
    "milter.pidfile",         "milter.chdir",
    "milter.timeout",         "milter.loglevel",
    "metrics.listen",         "report.store",
    "report.queue_size",      "report.node",
    "report.failure_reports", "report.failure_limit",
    "report.failure_dir",     "report.failure_queue_size",
    "report.sendmail",        "report.smtp",
    "report.email",           "report.domain"};
}  // namespace

std::span<const std::string_view> restart_only_keys() {
    return kRestartOnly;
}

std::vector<std::string_view> keys_needing_restart(const conf::Config& running,
                                                   const conf::Config& loaded) {
    const auto table = conf::key_table();
    std::vector<std::string_view> changed;
    for (const auto name : kRestartOnly) {
        const auto* spec = conf::find_key(table, name);
        if (spec != nullptr && spec->m_render(running) != spec->m_render(loaded))
            changed.push_back(name);
    }
    return changed;
}

}  // namespace enma::app
