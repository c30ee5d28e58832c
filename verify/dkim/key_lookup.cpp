// key_lookup.cpp - the DNS half of DKIM: one TXT query per signature.
#include "verify/dkim/key_lookup.hpp"

#include <string_view>

namespace enma::dkim {

std::string key_query_name(std::string_view selector, std::string_view domain) {
    std::string name(selector);
    name += "._domainkey.";
    name += domain;
    return name;
}

coro::Task<KeyLookupResult> fetch_key(resolver::Resolver& resolver, std::string selector,
                                      std::string domain, coro::CancelToken token) {
    KeyLookupResult result;
    std::string name = key_query_name(selector, domain);
    if (!resolver::is_valid_query_name(name)) {
        result.m_status = KeyLookupStatus::permerror;
        result.m_reason = "invalid key name";
        co_return result;
    }
    const resolver::Answer answer =
        co_await resolver.query(std::move(name), resolver::RrType::txt, std::move(token));
    result.m_security = answer.m_security;
    if (answer.has_data()) {
        result.m_status = KeyLookupStatus::found;
        result.m_records = answer.texts();
    } else if (answer.does_not_exist() || answer.m_status == resolver::DnsStatus::noerror) {
        result.m_status = KeyLookupStatus::permerror;
        result.m_reason = "no key";
    } else {
        result.m_status = KeyLookupStatus::temperror;
        result.m_reason = "key lookup failed: ";
        result.m_reason += resolver::to_string(answer.m_status);
    }
    co_return result;
}

DkimKey select_key(const std::vector<std::string>& records) {
    DkimKey first;
    for (std::size_t i = 0; i < records.size(); ++i) {
        DkimKey key = parse_dkim_key(records[i]);
        if (key.m_ok)
            return key;
        if (i == 0)
            first = std::move(key);
    }
    if (records.empty())
        first.m_error = "no key";
    return first;
}

}  // namespace enma::dkim
