// key_lookup.hpp - fetching the key records of one signature: TXT at <s>._domainkey.<d>.
//
// Runs on the scheduler thread like every lookup; the verifier gets the plain value back
// (DkimVerifier::set_key), so it never touches the scheduler. DNS outcomes map as RFC 6376
// 6.1.2 says: a temporary failure (SERVFAIL, timeout, DNSSEC bogus, cancellation) is
// temperror, a name or record that does not exist is permerror "no key".
#pragma once

#include <string>
#include <vector>

#include "coro/cancel.hpp"
#include "coro/task.hpp"
#include "resolver/resolver.hpp"
#include "verify/dkim/dkim_key.hpp"

namespace enma::dkim {

enum class KeyLookupStatus : std::uint8_t { found, temperror, permerror };

struct KeyLookupResult {
    KeyLookupStatus m_status = KeyLookupStatus::temperror;
    std::string m_reason;                // set unless found
    std::vector<std::string> m_records;  // every TXT record, strings of each joined
    resolver::Security m_security = resolver::Security::unchecked;
};

// key_query_name - "<selector>._domainkey.<domain>".
std::string key_query_name(std::string_view selector, std::string_view domain);

// fetch_key - look the key records up. Cheap to start as soon as the signature is parsed.
coro::Task<KeyLookupResult> fetch_key(resolver::Resolver& resolver, std::string selector,
                                      std::string domain, coro::CancelToken token = {});

// select_key - RFC 6376 3.6.2.2 leaves the choice among several TXT records open: we take the
// first record, in answer order, that parses as a key record; if none does, the first
// record's error is reported. A revoked key (empty p=) counts as parsed.
DkimKey select_key(const std::vector<std::string>& records);

}  // namespace enma::dkim
