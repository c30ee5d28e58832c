// iprev_check.cpp - the reverse-then-forward lookups of RFC 8601 section 3.
#include "verify/iprev/iprev_check.hpp"

#include <algorithm>

#include "coro/when_all.hpp"

namespace enma::iprev {

namespace {

using resolver::Answer;
using resolver::Security;

int rank(Security security) noexcept {
    switch (security) {
        case Security::bogus:
            return 0;
        case Security::unchecked:
            return 1;
        case Security::insecure:
            return 2;
        case Security::secure:
            break;
    }
    return 3;
}

std::string lower(std::string text) {
    for (auto& c : text)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return text;
}

std::string failure_reason(std::string_view what, const std::string& name, const Answer& answer) {
    std::string reason(what);
    reason += ' ';
    reason += name;
    reason += " failed: ";
    reason += answer.m_security == Security::bogus ? "DNSSEC bogus"
                                                   : resolver::to_string(answer.m_status);
    return reason;
}

IprevOutput result(const IprevInput& input, IprevResult code, std::string reason,
                   Security security) {
    IprevOutput output;
    output.m_result = code;
    output.m_reason = std::move(reason);
    output.m_address = input.m_address;
    output.m_security = security;
    return output;
}

// distinct_names - the PTR names lower-cased, without a final dot, sorted, duplicates dropped.
std::vector<std::string> distinct_names(const Answer& ptr) {
    std::vector<std::string> names;
    for (auto& name : ptr.texts()) {
        name = lower(std::move(name));
        if (!name.empty() && name.back() == '.')
            name.pop_back();
        names.push_back(std::move(name));
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

// not_found - stands in for the forward lookup of a name that cannot be queried.
coro::Task<Answer> not_found() {
    co_return Answer::failure(resolver::DnsStatus::nxdomain);
}

bool maps_back(const Answer& answer, const resolver::IpAddress& address) {
    const auto addresses = answer.addresses();
    return std::find(addresses.begin(), addresses.end(), address) != addresses.end();
}

// best_match - the index of the matching answer with the strongest DNSSEC verdict, or -1.
int best_match(const std::vector<Answer>& answers, const resolver::IpAddress& address) {
    int best = -1;
    for (std::size_t i = 0; i < answers.size(); ++i)
        if (maps_back(answers[i], address) &&
            (best < 0 || rank(answers[i].m_security) > rank(answers[best].m_security)))
            best = static_cast<int>(i);
    return best;
}

std::string no_match_reason(const IprevOutput& output) {
    std::string reason = "no PTR name of " + output.m_address.to_string() + " maps back to it";
    if (output.m_ptr_total > output.m_ptr_names.size())
        reason += " (only the first " + std::to_string(output.m_ptr_names.size()) + " of " +
                  std::to_string(output.m_ptr_total) + " names checked)";
    return reason;
}

// from_forward - step 3 of the procedure in iprev_check.hpp.
IprevOutput from_forward(IprevOutput output, Security ptr_security,
                         const std::vector<Answer>& answers) {
    if (const int match = best_match(answers, output.m_address); match >= 0) {
        output.m_result = IprevResult::pass;
        output.m_name = output.m_ptr_names[static_cast<std::size_t>(match)];
        output.m_security =
            resolver::combine(ptr_security, answers[static_cast<std::size_t>(match)].m_security);
        return output;
    }
    output.m_security = ptr_security;
    for (const auto& answer : answers)
        output.m_security = resolver::combine(output.m_security, answer.m_security);
    for (std::size_t i = 0; i < answers.size(); ++i)
        if (answers[i].is_temporary()) {
            output.m_result = IprevResult::temperror;
            output.m_reason =
                failure_reason("forward lookup of", output.m_ptr_names[i], answers[i]);
            return output;
        }
    output.m_result = IprevResult::fail;
    output.m_reason = no_match_reason(output);
    return output;
}

}  // namespace

coro::Task<IprevOutput> check_iprev(resolver::Resolver& resolver, IprevInput input,
                                    coro::CancelToken token) {
    std::string reverse = input.m_address.reverse_name();
    const Answer ptr = co_await resolver.query(reverse, resolver::RrType::ptr, token);
    if (ptr.is_temporary())
        co_return result(input, IprevResult::temperror,
                         failure_reason("PTR lookup of", reverse, ptr), ptr.m_security);
    auto names = distinct_names(ptr);
    if (!ptr.has_data() || names.empty())
        co_return result(input, IprevResult::permerror,
                         "no PTR record for " + input.m_address.to_string(), ptr.m_security);
    IprevOutput output = result(input, IprevResult::fail, "", ptr.m_security);
    output.m_ptr_total = names.size();
    names.resize(std::min(names.size(), kMaxPtrNames));
    const auto type = input.m_address.is_v4() ? resolver::RrType::a : resolver::RrType::aaaa;
    std::vector<coro::Task<Answer>> lookups;
    for (const auto& name : names)
        lookups.push_back(resolver::is_valid_query_name(name) ? resolver.query(name, type, token)
                                                              : not_found());
    output.m_ptr_names = std::move(names);
    auto answers = co_await coro::when_all(std::move(lookups));
    co_return from_forward(std::move(output), ptr.m_security, answers);
}

}  // namespace enma::iprev
