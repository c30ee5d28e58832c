// spf_check_host.cpp - check_host(): identities, the run's objects, and the final account.
#include "verify/spf/spf_check_host.hpp"

#include <ctime>
#include <optional>

#include "verify/spf/spf_dns.hpp"
#include "verify/spf/spf_evaluator.hpp"
#include "verify/spf/spf_prefetch.hpp"

namespace enma::spf {

namespace {

// split_mailbox - local-part and domain at the last '@'; a missing local-part is
// "postmaster" (RFC 7208 section 4.3).
std::pair<std::string, std::string> split_mailbox(std::string_view mailbox) {
    const auto at = mailbox.rfind('@');
    if (at == std::string_view::npos)
        return {"postmaster", std::string(mailbox)};
    std::string local(mailbox.substr(0, at));
    if (local.empty())
        local = "postmaster";
    return {std::move(local), std::string(mailbox.substr(at + 1))};
}

}  // namespace

CheckHostRequest make_request(const SpfInput& input) {
    CheckHostRequest request;
    request.m_ip = input.m_ip;
    const bool use_helo = input.m_identity == SpfIdentity::helo || input.m_mail_from.empty();
    auto [local, domain] =
        split_mailbox(use_helo ? "postmaster@" + input.m_helo : input.m_mail_from);
    if (!domain.empty() && domain.back() == '.')
        domain.pop_back();
    request.m_local = std::move(local);
    request.m_sender_domain = domain;
    request.m_domain = std::move(domain);
    request.m_helo = input.m_helo;
    request.m_receiver = input.m_receiver.empty() ? "unknown" : input.m_receiver;
    request.m_timestamp =
        input.m_clock ? input.m_clock() : static_cast<std::int64_t>(std::time(nullptr));
    return request;
}

MacroContext macro_context(const CheckHostRequest& request, std::string_view domain) {
    MacroContext context;
    context.m_local = request.m_local;
    context.m_sender_domain = request.m_sender_domain;
    context.m_domain = domain;
    context.m_helo = request.m_helo;
    context.m_ip = &request.m_ip;
    context.m_receiver = request.m_receiver;
    context.m_timestamp = request.m_timestamp;
    return context;
}

resolver::RrType address_type(const resolver::IpAddress& ip) noexcept {
    return ip.is_v4() ? resolver::RrType::a : resolver::RrType::aaaa;
}

coro::Task<SpfOutput> check_host(resolver::Resolver& resolver, const SpfInput& input,
                                 SpfLimits& limits) {
    const CheckHostRequest request = make_request(input);
    co_return co_await check_host(resolver, request, limits);
}

coro::Task<SpfOutput> check_host(resolver::Resolver& resolver, const CheckHostRequest& request,
                                 SpfLimits& limits) {
    SpfDns dns(resolver, limits.m_prefetch);
    std::optional<Prefetcher> prefetcher;
    if (limits.m_prefetch)
        prefetcher.emplace(dns, request, limits);
    Evaluator evaluator(dns, request, limits, prefetcher ? &*prefetcher : nullptr);
    SpfOutput output = co_await evaluator.check(request.m_domain, true);
    co_await dns.finish();  // cancels the prefetches the evaluation did not need
    output.m_domain = request.m_domain;
    output.m_sender = request.m_local + '@' + request.m_sender_domain;
    output.m_dns_terms = evaluator.dns_terms();
    output.m_void_lookups = evaluator.void_lookups();
    limits.m_dns_terms += output.m_dns_terms;
    limits.m_void_lookups += output.m_void_lookups;
    co_return output;
}

}  // namespace enma::spf
