// verify_message.cpp - a whole message through DkimVerifier.
#include "verify/dkim/verify_message.hpp"

#include <chrono>

#include "coro/when_all.hpp"
#include "verify/dkim/dkim_verifier.hpp"
#include "verify/dkim/key_lookup.hpp"
#include "verify/message/header_field.hpp"

namespace enma::dkim {

coro::Task<std::vector<DkimResult>> verify_message(resolver::Resolver& resolver,
                                                   std::string_view raw_message,
                                                   DkimOptions options,
                                                   std::optional<std::int64_t> now) {
    const std::int64_t when = now.value_or(std::chrono::duration_cast<std::chrono::seconds>(
                                               std::chrono::system_clock::now().time_since_epoch())
                                               .count());
    DkimVerifier verifier(options, when);
    const message::HeaderBlock block = message::split_message(raw_message);
    for (const auto& field : block.m_fields)
        verifier.add_header(field.m_name, field.m_raw_value);
    const auto requests = verifier.take_key_requests();
    std::vector<coro::Task<KeyLookupResult>> lookups;
    for (const auto& request : requests)
        lookups.push_back(fetch_key(resolver, request.m_selector, request.m_domain));
    auto keys = co_await coro::when_all(std::move(lookups));
    for (std::size_t i = 0; i < requests.size(); ++i)
        verifier.set_key(requests[i].m_index, std::move(keys[i]));
    verifier.end_of_headers();
    verifier.add_body(raw_message.substr(block.m_body_offset));
    co_return verifier.finish();
}

}  // namespace enma::dkim
