// spf_prefetch.cpp - launching a record tree's lookups ahead of its sequential evaluation.
#include "verify/spf/spf_prefetch.hpp"

#include <cctype>

namespace enma::spf {

using resolver::Answer;
using resolver::RrType;

Prefetcher::Prefetcher(SpfDns& dns, const CheckHostRequest& request, const SpfLimits& limits)
    : m_dns(dns), m_request(request), m_limits(limits) {}

void Prefetcher::prefetch_record(const SpfRecord& record, const std::string& domain) {
    // A record reached again (first by its prefetched TXT, then by the evaluator; or by a
    // loop) would only spend the term budget on lookups already launched.
    std::string key = to_query_name(domain);
    for (auto& c : key)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!m_prefetched.insert(std::move(key)).second)
        return;
    for (const auto& mechanism : record.m_mechanisms) {
        if (!mechanism.uses_dns())
            continue;
        if (m_terms_launched >= m_limits.m_max_dns_terms)
            return;
        ++m_terms_launched;
        prefetch_term(mechanism, domain);
    }
    if (!record.m_redirect || m_terms_launched >= m_limits.m_max_dns_terms)
        return;
    ++m_terms_launched;
    if (uses_macro_letter(*record.m_redirect, 'p'))
        return;
    const auto target = expand_domain_spec(*record.m_redirect, macro_context(m_request, domain));
    if (target && resolver::is_valid_query_name(*target))
        m_dns.launch(child_record(*target));
}

void Prefetcher::prefetch_term(const Mechanism& mechanism, const std::string& domain) {
    if (mechanism.m_kind == MechanismKind::ptr) {
        if (!m_ptr_launched)
            m_dns.launch(ptr_names());
        m_ptr_launched = true;
        return;
    }
    if (uses_macro_letter(mechanism.m_domain_spec, 'p'))
        return;  // %{p} needs DNS first
    std::string target = domain;
    if (!mechanism.m_domain_spec.empty()) {
        auto expanded =
            expand_domain_spec(mechanism.m_domain_spec, macro_context(m_request, domain));
        if (!expanded)
            return;
        target = std::move(*expanded);
    }
    if (!resolver::is_valid_query_name(target))
        return;
    switch (mechanism.m_kind) {
        case MechanismKind::a:
            m_dns.launch(addresses(std::move(target), address_type(m_request.m_ip)));
            break;
        case MechanismKind::exists:
            m_dns.launch(addresses(std::move(target), RrType::a));
            break;
        case MechanismKind::mx:
            m_dns.launch(mx_hosts(std::move(target)));
            break;
        case MechanismKind::include:
            m_dns.launch(child_record(std::move(target)));
            break;
        default:
            break;
    }
}

coro::Task<void> Prefetcher::addresses(std::string name, RrType type) {
    co_await m_dns.fetch(std::move(name), type);
}

coro::Task<void> Prefetcher::mx_hosts(std::string name) {
    const Answer answer = co_await m_dns.fetch(std::move(name), RrType::mx);
    const auto hosts = answer.mx();
    if (hosts.size() > m_limits.m_max_mx_names)
        co_return;  // permerror: nothing to look up
    for (const auto& host : hosts) {
        if (resolver::is_valid_query_name(host.m_exchange))
            m_dns.launch(addresses(host.m_exchange, address_type(m_request.m_ip)));
    }
}

coro::Task<void> Prefetcher::ptr_names() {
    const Answer answer = co_await m_dns.fetch(m_request.m_ip.reverse_name(), RrType::ptr);
    const auto names = answer.texts();
    for (std::size_t i = 0; i < names.size() && i < m_limits.m_max_ptr_names; ++i) {
        if (resolver::is_valid_query_name(names[i]))
            m_dns.launch(addresses(names[i], address_type(m_request.m_ip)));
    }
}

coro::Task<void> Prefetcher::child_record(std::string name) {
    const Answer answer = co_await m_dns.fetch(name, RrType::txt);
    if (!answer.has_data() || m_dns.closed())
        co_return;
    const auto selection = m_request.m_selector(answer.texts());
    if (selection.m_status != RecordSelection::Status::one)
        co_return;
    const auto parsed = parse_terms(selection.m_terms);
    if (parsed.m_record)
        prefetch_record(*parsed.m_record, to_query_name(name));
}

}  // namespace enma::spf
