// self_check.cpp - the probes of `enma -t` and the words for what they find.
#include "app/enma/self_check.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "app/common/settings.hpp"
#include "coro/scheduler.hpp"
#include "coro/sync_wait.hpp"
#include "resolver/unbound_resolver.hpp"

namespace enma::app {

namespace {

using Transport = resolver::ResolverOptions::Transport;

coro::Task<resolver::Answer> ask(coro::Scheduler& scheduler, resolver::ResolverOptions options,
                                 std::string zone) {
    resolver::UnboundResolver unbound(scheduler, options);
    auto answer = co_await unbound.query(std::move(zone), resolver::RrType::ns);
    co_return answer;
}

// probe - one query through a fresh context; a start-up error becomes a SERVFAIL-like answer.
resolver::Answer probe(resolver::ResolverOptions options, const std::string& zone,
                       std::string& error) {
    coro::Scheduler scheduler;
    scheduler.start();
    resolver::Answer answer = resolver::Answer::failure(resolver::DnsStatus::error);
    try {
        answer = coro::sync_wait(scheduler, ask(scheduler, std::move(options), zone));
    } catch (const std::exception& e) {
        error = e.what();
    }
    scheduler.stop();
    return answer;
}

// arrived - the server's answer reached us (a bogus answer did too: it was only not trusted).
bool arrived(const resolver::Answer& answer) {
    return answer.has_data() || answer.m_security == resolver::Security::bogus;
}

std::string seen(const resolver::Answer& answer, const std::string& error) {
    if (!error.empty())
        return "resolver error: " + error;
    return fmt::format("{} {}", to_string(answer.m_status), to_string(answer.m_security));
}

CheckOutcome transport_check(const conf::Config& config, const std::string& zone,
                             Transport transport) {
    auto options = resolver_options(config);
    options.m_transport = transport;
    std::string error;
    const auto answer = probe(options, zone, error);
    const bool udp = transport == Transport::udp_only;
    CheckOutcome outcome{udp ? "udp" : "tcp", arrived(answer), {}};
    outcome.m_detail =
        fmt::format("{} NS over {}: {}", zone, udp ? "UDP" : "TCP", seen(answer, error));
    return outcome;
}

CheckOutcome dnssec_check(const conf::Config& config, const std::string& zone) {
    std::string error;
    const auto answer = probe(resolver_options(config), zone, error);
    CheckOutcome outcome{"dnssec", answer.m_security == resolver::Security::secure, {}};
    outcome.m_detail = fmt::format("{} NS validated: {}", zone, seen(answer, error));
    if (answer.m_security == resolver::Security::bogus)
        outcome.m_detail += " (" + answer.m_why_bogus + ")";
    if (!outcome.m_ok && !arrived(answer))
        outcome.m_detail += "; no validated answer in time (see udp and tcp)";
    else if (!outcome.m_ok)
        outcome.m_detail +=
            "; the answer arrives but does not validate: the server strips DNSSEC records "
            "(RRSIG; a forwarder or middlebox without DNSSEC support?), or the trust anchor "
            "is wrong. Forward to a DNSSEC-aware resolver, or set resolver.dnssec: false; as "
            "it is, every lookup is temperror";
    return outcome;
}

// explain - the cause and the fix, from what the three probes saw together.
void explain(std::vector<CheckOutcome>& outcomes, const conf::Config& config) {
    auto& udp = outcomes[0];
    auto& tcp = outcomes[1];
    if (!udp.m_ok && !tcp.m_ok) {
        udp.m_detail +=
            "; no answer over UDP or TCP: check resolver.mode, resolver.forwarders "
            "and that the DNS servers are reachable";
    } else if (!udp.m_ok) {
        udp.m_detail += fmt::format(
            "; answers over 512 bytes do not arrive over UDP (EDNS0, resolver.edns_buffer_size "
            "{}): an old firewall or middlebox drops large UDP DNS answers or IP fragments. "
            "Let them through; until then every large answer waits for a timeout and TCP",
            config.m_resolver.m_edns_buffer_size);
    } else if (!tcp.m_ok) {
        tcp.m_detail +=
            "; DNS over TCP fails: allow TCP port 53 to the DNS servers, or "
            "truncated answers (large TXT, DNSSEC) become temperror";
    }
}

}  // namespace

std::string anchor_zone(const std::string& trust_anchor_file) {
    std::ifstream in(trust_anchor_file);
    for (std::string line; in && std::getline(in, line);) {
        std::istringstream words(line);
        std::string owner;
        if (words >> owner && owner[0] != ';' && owner[0] != '#' && owner[0] != '$')
            return owner;
    }
    return ".";
}

std::vector<CheckOutcome> check_resolver_path(const conf::Config& config) {
    const auto zone = anchor_zone(config.m_resolver.m_trust_anchor_file);
    std::vector<CheckOutcome> outcomes;
    outcomes.push_back(transport_check(config, zone, Transport::udp_only));
    outcomes.push_back(transport_check(config, zone, Transport::tcp_only));
    if (config.m_resolver.m_dnssec)
        outcomes.push_back(dnssec_check(config, zone));
    explain(outcomes, config);
    return outcomes;
}

}  // namespace enma::app
