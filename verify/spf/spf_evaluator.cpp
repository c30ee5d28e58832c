// spf_evaluator.cpp - check_host(): record lookup, mechanisms, modifiers, limits, exp=.
#include "verify/spf/spf_evaluator.hpp"

#include <algorithm>
#include <cctype>

namespace enma::spf {

using resolver::Answer;
using resolver::RrType;

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// is_usable_domain - RFC 7208 section 4.3: a well-formed, multi-label name, not a literal.
bool is_usable_domain(std::string_view domain) {
    if (!domain.empty() && domain.back() == '.')
        domain.remove_suffix(1);
    return resolver::is_valid_query_name(domain) && domain.find('.') != std::string_view::npos &&
           domain.front() != '[';
}

// ends_in - `name` is `target` or a subdomain of it (case-insensitive, trailing dots ignored).
bool ends_in(std::string_view name, std::string_view target) {
    if (!name.empty() && name.back() == '.')
        name.remove_suffix(1);
    if (!target.empty() && target.back() == '.')
        target.remove_suffix(1);
    const std::string n = lower(name);
    const std::string t = lower(target);
    if (n == t)
        return true;
    return n.size() > t.size() && n.compare(n.size() - t.size(), t.size(), t) == 0 &&
           n[n.size() - t.size() - 1] == '.';
}

bool is_ascii(std::string_view text) {
    for (char c : text)
        if (static_cast<unsigned char>(c) > 0x7e || static_cast<unsigned char>(c) < 0x20)
            return false;
    return true;
}

SpfOutput outcome(SpfResult result, std::string reason, std::string mechanism = {}) {
    SpfOutput output;
    output.m_result = result;
    output.m_reason = std::move(reason);
    output.m_mechanism = std::move(mechanism);
    return output;
}

std::string dns_failure(const Answer& answer, std::string_view name, RrType type) {
    std::string reason = "DNS ";
    reason += resolver::to_string(answer.m_status);
    if (answer.m_security == resolver::Security::bogus)
        reason += " (DNSSEC bogus)";
    return reason + " for " + std::string(name) + "/" + std::string(resolver::to_string(type));
}

}  // namespace

Evaluator::Evaluator(SpfDns& dns, const CheckHostRequest& request, const SpfLimits& limits,
                     Prefetcher* prefetcher)
    : m_dns(dns), m_request(request), m_limits(limits), m_prefetcher(prefetcher) {}

coro::Task<SpfOutput> Evaluator::check(std::string domain, bool want_explanation) {
    if (!is_usable_domain(domain)) {
        auto output = outcome(SpfResult::none, "not a usable domain name: " + domain);
        output.m_domain_malformed = true;
        co_return output;
    }
    const Answer answer = co_await m_dns.fetch(domain, RrType::txt);
    if (answer.is_temporary())
        co_return outcome(SpfResult::temperror, dns_failure(answer, domain, RrType::txt));
    if (answer.m_status == resolver::DnsStatus::nxdomain) {
        auto output = outcome(m_request.m_nxdomain_is_fail ? SpfResult::fail : SpfResult::none,
                              "domain " + domain + " does not exist");
        output.m_domain_nonexistent = true;
        co_return output;
    }
    const auto selection = m_request.m_selector(answer.texts());
    if (selection.m_status == RecordSelection::Status::none)
        co_return outcome(SpfResult::none, "no SPF record at " + domain);
    if (selection.m_status == RecordSelection::Status::many)
        co_return outcome(SpfResult::permerror, "more than one SPF record at " + domain);
    const auto parsed = parse_terms(selection.m_terms);
    if (!parsed.m_record)
        co_return outcome(SpfResult::permerror,
                          "syntax error at " + domain + ": " + parsed.m_error);
    // A record that includes or redirects back into itself would only run into the term
    // limit; say so at once (the result, permerror, is the same).
    const std::string key = lower(to_query_name(domain));
    if (std::find(m_stack.begin(), m_stack.end(), key) != m_stack.end())
        co_return outcome(SpfResult::permerror, "include/redirect loop at " + domain);
    if (m_prefetcher)
        m_prefetcher->prefetch_record(*parsed.m_record, domain);
    m_stack.push_back(key);
    auto output = co_await evaluate(*parsed.m_record, domain, want_explanation);
    m_stack.pop_back();
    co_return output;
}

coro::Task<SpfOutput> Evaluator::evaluate(const SpfRecord& record, const std::string& domain,
                                          bool want_explanation) {
    for (const auto& mechanism : record.m_mechanisms) {
        if (mechanism.uses_dns() && ++m_dns_terms > m_limits.m_max_dns_terms)
            co_return outcome(
                SpfResult::permerror,
                "more than " + std::to_string(m_limits.m_max_dns_terms) + " DNS-querying terms",
                mechanism.m_text);
        const Match result = co_await match(mechanism, domain);
        if (result.m_kind == Match::Kind::error)
            co_return outcome(result.m_error, result.m_reason, mechanism.m_text);
        if (result.m_kind == Match::Kind::no)
            continue;
        auto output = outcome(result_of(mechanism.m_qualifier),
                              "matched " + mechanism.m_text + " in the record of " + domain,
                              mechanism.m_text);
        if (output.m_result == SpfResult::fail && want_explanation && record.m_explanation)
            output.m_explanation = co_await explanation(*record.m_explanation, domain);
        co_return output;
    }
    if (record.m_redirect)
        co_return co_await follow_redirect(*record.m_redirect, domain, want_explanation);
    co_return outcome(SpfResult::neutral, "no mechanism matched in the record of " + domain,
                      "default");
}

coro::Task<SpfOutput> Evaluator::follow_redirect(const std::string& spec, const std::string& domain,
                                                 bool want_explanation) {
    const std::string term = "redirect=" + spec;
    if (++m_dns_terms > m_limits.m_max_dns_terms)
        co_return outcome(
            SpfResult::permerror,
            "more than " + std::to_string(m_limits.m_max_dns_terms) + " DNS-querying terms", term);
    const auto target = co_await target_name(spec, domain);
    if (!target || !is_usable_domain(*target))
        co_return outcome(SpfResult::permerror, "bad redirect target", term);
    auto output = co_await check(*target, want_explanation);
    if (output.m_result == SpfResult::none) {
        co_return outcome(SpfResult::permerror, "redirect target " + *target + " has no SPF record",
                          term);
    }
    output.m_domain_nonexistent = output.m_domain_malformed = false;
    co_return output;
}

coro::Task<Evaluator::Match> Evaluator::match(const Mechanism& mechanism,
                                              const std::string& domain) {
    const auto& ip = m_request.m_ip;
    switch (mechanism.m_kind) {
        case MechanismKind::all:
            co_return yes();
        case MechanismKind::ip4:
            co_return ip.is_v4() && ip.in_network(mechanism.m_ip4, mechanism.m_cidr4) ? yes()
                                                                                      : no();
        case MechanismKind::ip6:
            co_return matches_ip6(mechanism) ? yes() : no();
        default:
            break;
    }
    const auto target = co_await target_name(mechanism.m_domain_spec, domain);
    if (!target)
        co_return error(SpfResult::permerror, "macro error in " + mechanism.m_text);
    if (mechanism.m_kind == MechanismKind::include)
        co_return co_await match_include(*target);
    // A name no query can be made for exists nowhere: the mechanism does not match.
    if (!resolver::is_valid_query_name(*target))
        co_return no();
    switch (mechanism.m_kind) {
        case MechanismKind::a:
            co_return co_await match_a(mechanism, *target);
        case MechanismKind::mx:
            co_return co_await match_mx(mechanism, *target);
        case MechanismKind::ptr:
            co_return co_await match_ptr(*target);
        case MechanismKind::exists:
            co_return co_await match_exists(*target);
        default:
            co_return no();
    }
}

bool Evaluator::matches(const Mechanism& mechanism, const resolver::IpAddress& address) const {
    const auto& ip = m_request.m_ip;
    if (ip.family() != address.family())
        return false;
    return ip.in_network(address, ip.is_v4() ? mechanism.m_cidr4 : mechanism.m_cidr6);
}

bool Evaluator::matches_ip6(const Mechanism& mechanism) const {
    // The network is compared raw: an ip6 term never matches an IPv4 (or v4-mapped) client.
    const auto& ip = m_request.m_ip;
    if (!ip.is_v6())
        return false;
    const unsigned whole = mechanism.m_cidr6 / 8;
    const unsigned rest = mechanism.m_cidr6 % 8;
    for (unsigned i = 0; i < whole; ++i)
        if (ip.bytes()[i] != mechanism.m_ip6[i])
            return false;
    if (rest == 0)
        return true;
    const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
    return (ip.bytes()[whole] & mask) == (mechanism.m_ip6[whole] & mask);
}

std::optional<Evaluator::Match> Evaluator::count_void(const Answer& answer,
                                                      const std::string& name) {
    if (!answer.does_not_exist())
        return std::nullopt;
    if (++m_void_lookups > m_limits.m_max_void_lookups)
        return error(SpfResult::permerror, "more than " +
                                               std::to_string(m_limits.m_max_void_lookups) +
                                               " void lookups (last: " + name + ")");
    return no();
}

coro::Task<Evaluator::Match> Evaluator::match_a(const Mechanism& mechanism,
                                                const std::string& target) {
    const auto type = address_type(m_request.m_ip);
    const Answer answer = co_await m_dns.fetch(target, type);
    if (answer.is_temporary())
        co_return error(SpfResult::temperror, dns_failure(answer, target, type));
    if (auto result = count_void(answer, target))
        co_return *result;
    for (const auto& address : answer.addresses())
        if (matches(mechanism, address))
            co_return yes();
    co_return no();
}

coro::Task<Evaluator::Match> Evaluator::match_mx(const Mechanism& mechanism,
                                                 const std::string& target) {
    const Answer answer = co_await m_dns.fetch(target, RrType::mx);
    if (answer.is_temporary())
        co_return error(SpfResult::temperror, dns_failure(answer, target, RrType::mx));
    if (auto result = count_void(answer, target))
        co_return *result;
    const auto hosts = answer.mx();
    if (hosts.size() > m_limits.m_max_mx_names)
        co_return error(
            SpfResult::permerror,
            "more than " + std::to_string(m_limits.m_max_mx_names) + " MX names at " + target);
    const auto type = address_type(m_request.m_ip);
    for (const auto& host : hosts) {
        if (!resolver::is_valid_query_name(host.m_exchange))
            continue;  // null MX "."
        const Answer addresses = co_await m_dns.fetch(host.m_exchange, type);
        if (addresses.is_temporary())
            co_return error(SpfResult::temperror, dns_failure(addresses, host.m_exchange, type));
        for (const auto& address : addresses.addresses())
            if (matches(mechanism, address))
                co_return yes();
    }
    co_return no();
}

coro::Task<bool> Evaluator::is_validated(const std::string& name) {
    if (!resolver::is_valid_query_name(name))
        co_return false;
    const Answer answer = co_await m_dns.fetch(name, address_type(m_request.m_ip));
    for (const auto& address : answer.addresses())  // errors: the name is skipped (5.5)
        if (address == m_request.m_ip)
            co_return true;
    co_return false;
}

coro::Task<Evaluator::Match> Evaluator::match_ptr(const std::string& target) {
    const std::string reverse = m_request.m_ip.reverse_name();
    const Answer answer = co_await m_dns.fetch(reverse, RrType::ptr);
    if (answer.is_temporary())
        co_return no();  // RFC 7208 5.5: a DNS error is no match
    if (auto result = count_void(answer, reverse))
        co_return *result;
    const auto names = answer.texts();
    for (std::size_t i = 0; i < names.size() && i < m_limits.m_max_ptr_names; ++i) {
        // Not `if (... && co_await ...)`: GCC 12 miscompiles co_await inside a condition.
        if (!ends_in(names[i], target))
            continue;
        const bool validated = co_await is_validated(names[i]);
        if (validated)
            co_return yes();
    }
    co_return no();
}

coro::Task<Evaluator::Match> Evaluator::match_exists(const std::string& target) {
    const Answer answer = co_await m_dns.fetch(target, RrType::a);
    if (answer.is_temporary())
        co_return error(SpfResult::temperror, dns_failure(answer, target, RrType::a));
    if (auto result = count_void(answer, target))
        co_return *result;
    co_return answer.addresses().empty() ? no() : yes();
}

coro::Task<Evaluator::Match> Evaluator::match_include(const std::string& target) {
    const auto output = co_await check(target, false);
    switch (output.m_result) {
        case SpfResult::pass:
            co_return yes();
        case SpfResult::fail:
        case SpfResult::softfail:
        case SpfResult::neutral:
            co_return no();
        case SpfResult::temperror:
            co_return error(SpfResult::temperror, "include:" + target + ": " + output.m_reason);
        case SpfResult::none:
            co_return error(SpfResult::permerror, "include:" + target + " has no SPF record");
        case SpfResult::permerror:
            break;
    }
    co_return error(SpfResult::permerror, "include:" + target + ": " + output.m_reason);
}

coro::Task<std::optional<std::string>> Evaluator::target_name(const std::string& spec,
                                                              const std::string& domain) {
    if (spec.empty())
        co_return domain;
    auto context = macro_context(m_request, domain);
    std::string validated;
    if (uses_macro_letter(spec, 'p')) {
        validated = co_await validated_domain(domain);
        context.m_validated_domain = validated;
    }
    co_return expand_domain_spec(spec, context);
}

coro::Task<std::string> Evaluator::validated_domain(const std::string& domain) {
    const Answer answer = co_await m_dns.fetch(m_request.m_ip.reverse_name(), RrType::ptr);
    const auto names = answer.texts();
    std::string exact, subdomain, other;
    for (std::size_t i = 0; i < names.size() && i < m_limits.m_max_ptr_names; ++i) {
        if (!co_await is_validated(names[i]))
            continue;
        std::string name = to_query_name(names[i]);
        if (lower(name) == lower(domain)) {
            if (exact.empty())
                exact = name;
        } else if (ends_in(name, domain)) {
            if (subdomain.empty())
                subdomain = name;
        } else if (other.empty()) {
            other = name;
        }
    }
    if (!exact.empty())
        co_return exact;
    if (!subdomain.empty())
        co_return subdomain;
    co_return other.empty() ? std::string("unknown") : other;
}

coro::Task<std::string> Evaluator::explanation(const std::string& spec, const std::string& domain) {
    // Any problem here means "as if no exp= was given" (RFC 7208 section 6.2).
    const auto target = co_await target_name(spec, domain);
    if (!target || !resolver::is_valid_query_name(*target))
        co_return std::string();
    const Answer answer = co_await m_dns.fetch(*target, RrType::txt);
    const auto texts = answer.texts();
    if (!answer.has_data() || texts.size() != 1 || !is_ascii(texts[0]))
        co_return std::string();
    auto context = macro_context(m_request, domain);
    std::string validated;
    if (uses_macro_letter(texts[0], 'p')) {
        validated = co_await validated_domain(domain);
        context.m_validated_domain = validated;
    }
    auto expanded = expand_macros(texts[0], context, MacroUse::explanation);
    co_return expanded&& is_ascii(*expanded) ? *expanded : std::string();
}

}  // namespace enma::spf
