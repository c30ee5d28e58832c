// iprev_check.hpp - RFC 8601 section 3 "iprev" for one client address, as a coroutine over
// the Resolver.
//
// The procedure:
//  1. PTR at the address's reverse name (in-addr.arpa, or ip6.arpa nibbles for IPv6; an
//     IPv4-mapped IPv6 address is checked as IPv4). A temporary failure is "temperror";
//     NXDOMAIN, NODATA or no usable name is "permerror" (2.7.3: no PTR data published).
//  2. The PTR names, lower-cased and without duplicates, are sorted and the first
//     kMaxPtrNames (10, RFC 7208 4.6.4's figure for "ptr") are looked up together: A for an
//     IPv4 client, AAAA for IPv6. Sorting makes the choice independent of the order a server
//     or cache returns the RRset in; the names beyond the limit are never queried.
//  3. Any name whose addresses include the client address is "pass" (one passing name wins
//     over failures of the others). Otherwise a temporary failure of any forward lookup is
//     "temperror" (that name might have matched); else "fail".
// A PTR name that is not a valid query name (empty, over-long labels) counts as not mapping
// back. CNAMEs are followed by the resolver on both lookups (RFC 2317 classless reverse
// delegation depends on it).
//
// DNSSEC: m_security is the combined verdict (resolver::combine) (bogus < unchecked < insecure <
// secure) of the answers the result rests on: for pass the PTR answer and the matching forward
// answer (of several matches the best-protected one is reported); otherwise the PTR answer and
// every forward answer consulted.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "coro/cancel.hpp"
#include "coro/task.hpp"
#include "resolver/resolver.hpp"
#include "verify/iprev/iprev_result.hpp"

namespace enma::iprev {

inline constexpr std::size_t kMaxPtrNames = 10;

struct IprevInput {
    resolver::IpAddress m_address;  // the SMTP client's address
};

struct IprevOutput {
    IprevResult m_result = IprevResult::temperror;
    std::string m_reason;                  // short, human-readable; empty on pass
    resolver::IpAddress m_address;         // the address checked (policy.iprev)
    std::string m_name;                    // the name that maps back (pass only), no final dot
    std::vector<std::string> m_ptr_names;  // the names checked: sorted, lower case, <= 10
    std::size_t m_ptr_total = 0;           // distinct PTR names published (may exceed 10)
    resolver::Security m_security = resolver::Security::unchecked;
};

// check_iprev - the iprev result for `input` (see the procedure above). The input is taken by
// value so the caller need not keep it alive while the lookups run.
coro::Task<IprevOutput> check_iprev(resolver::Resolver& resolver, IprevInput input,
                                    coro::CancelToken token = {});

}  // namespace enma::iprev
