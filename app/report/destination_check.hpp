// destination_check.hpp - RFC 9990 "Verifying External Destinations": before a report goes to
// a rua host outside the policy domain's organisation, the host must publish
// <policy-domain>._report._dmarc.<host> TXT starting "v=DMARC1".
//
// The organisation test is by name: the host is internal when it equals the policy domain or
// one is a parent of the other (the policy domain is where the record was found: the
// organizational domain or below it). Everything else is verified over DNS.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "coro/task.hpp"
#include "resolver/resolver.hpp"

namespace enma::report {

enum class DestinationVerdict : unsigned char {
    internal,   // no check needed
    verified,   // the TXT record authorises reports for the policy domain
    refused,    // no such record (or none that starts with v=DMARC1), or the name is too long
    temporary,  // DNS failed: try again on a later run
};

std::string_view verdict_name(DestinationVerdict verdict);

// DestinationChecker - the whole check of `host` for `policy_domain`, synchronously (enma-report
// and the daemon's failure sender run verify_destination on a resolver; tests pass their own).
using DestinationChecker =
    std::function<DestinationVerdict(const std::string& policy_domain, const std::string& host)>;

// is_external - whether `host` needs the check for `policy_domain` (both lower case).
bool is_external(std::string_view policy_domain, std::string_view host);

// verify_destination - the whole check for one rua host.
coro::Task<DestinationVerdict> verify_destination(resolver::Resolver& resolver,
                                                  std::string policy_domain, std::string host);

// authorises - one TXT string: "v=DMARC1" first, then ";" or the end (blanks allowed around).
bool authorises(std::string_view txt);

}  // namespace enma::report
