// sidfquery_targets.cpp - host name operands resolved to their A / AAAA addresses.
#include "app/sidfquery/sidfquery_targets.hpp"

#include <algorithm>

#include "coro/when_all.hpp"

namespace enma::app {

namespace {

std::vector<resolver::RrType> wanted_types(AddressFamily family) {
    switch (family) {
        case AddressFamily::v4:
            return {resolver::RrType::a};
        case AddressFamily::v6:
            return {resolver::RrType::aaaa};
        case AddressFamily::any:
            break;
    }
    return {resolver::RrType::a, resolver::RrType::aaaa};
}

// sorted_addresses - the addresses of one answer in byte order, duplicates removed.
std::vector<resolver::IpAddress> sorted_addresses(const resolver::Answer& answer) {
    std::vector<resolver::IpAddress> addresses = answer.addresses();
    std::ranges::sort(addresses, {}, &resolver::IpAddress::bytes);
    // std::unique, not std::ranges::unique: clang 14 (the sanitizer and fuzz builds) cannot
    // use libstdc++ 12's ranges::subrange.
    addresses.erase(std::unique(addresses.begin(), addresses.end()), addresses.end());
    return addresses;
}

ResolvedTarget collect(const std::vector<resolver::RrType>& types,
                       const std::vector<resolver::Answer>& answers) {
    ResolvedTarget resolved;
    std::string statuses;
    for (std::size_t i = 0; i < answers.size(); ++i) {
        for (const auto& address : sorted_addresses(answers[i]))
            resolved.m_addresses.push_back(address);
        statuses += (i ? ", " : "") + std::string(to_string(types[i])) + " " +
                    std::string(to_string(answers[i].m_status));
    }
    if (resolved.m_addresses.empty())
        resolved.m_error = statuses;
    return resolved;
}

}  // namespace

coro::Task<ResolvedTarget> resolve_target(resolver::Resolver& resolver, const Target& target,
                                          AddressFamily family) {
    if (target.m_address) {
        ResolvedTarget literal;
        literal.m_addresses.push_back(*target.m_address);
        co_return literal;
    }
    const std::vector<resolver::RrType> types = wanted_types(family);
    std::vector<coro::Task<resolver::Answer>> lookups;
    for (const auto type : types)
        lookups.push_back(resolver.query(target.m_text, type));
    const std::vector<resolver::Answer> answers = co_await coro::when_all(std::move(lookups));
    co_return collect(types, answers);
}

}  // namespace enma::app
