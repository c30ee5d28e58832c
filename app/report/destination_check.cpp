// destination_check.cpp - the _report._dmarc lookup.
#include "app/report/destination_check.hpp"

#include <variant>

#include "verify/message/header_field.hpp"

namespace enma::report {

namespace {

std::string_view skip_blanks(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    return text;
}

bool is_below(std::string_view name, std::string_view parent) {
    return name.size() > parent.size() && name.ends_with(parent) &&
           name[name.size() - parent.size() - 1] == '.';
}

}  // namespace

std::string_view verdict_name(DestinationVerdict verdict) {
    switch (verdict) {
        case DestinationVerdict::internal:
            return "internal";
        case DestinationVerdict::verified:
            return "verified";
        case DestinationVerdict::refused:
            return "refused";
        case DestinationVerdict::temporary:
            break;
    }
    return "temporary";
}

bool is_external(std::string_view policy_domain, std::string_view host) {
    return !(host == policy_domain || is_below(host, policy_domain) ||
             is_below(policy_domain, host));
}

bool authorises(std::string_view txt) {
    txt = skip_blanks(txt);
    if (message::to_lower_ascii(txt.substr(0, 1)) != "v")
        return false;
    txt = skip_blanks(txt.substr(1));
    if (txt.empty() || txt.front() != '=')
        return false;
    txt = skip_blanks(txt.substr(1));
    if (!txt.starts_with("DMARC1"))
        return false;
    txt = skip_blanks(txt.substr(6));
    return txt.empty() || txt.front() == ';';
}

coro::Task<DestinationVerdict> verify_destination(resolver::Resolver& resolver,
                                                  std::string policy_domain, std::string host) {
    if (!is_external(policy_domain, host))
        co_return DestinationVerdict::internal;
    std::string name = policy_domain + "._report._dmarc." + host;
    if (!resolver::is_valid_query_name(name))
        co_return DestinationVerdict::refused;
    auto answer = co_await resolver.query(std::move(name), resolver::RrType::txt);
    if (answer.is_temporary())
        co_return DestinationVerdict::temporary;
    for (const auto& record : answer.m_records) {
        const auto* text = std::get_if<std::string>(&record);
        if (text != nullptr && authorises(*text))
            co_return DestinationVerdict::verified;
    }
    co_return DestinationVerdict::refused;
}

}  // namespace enma::report
