// sidfquery_targets.hpp - an IP-OR-HOSTNAME operand as the addresses to check.
//
// A literal is itself; a host name is looked up through the same resolver as the checks (so
// -c / -o apply to it too, and -v shows these lookups) as A, AAAA or both, per -4 / -6.
// The addresses come A first, then AAAA, each family sorted and without duplicates: resolvers
// rotate RRsets, and the output should not change from one run to the next.
#pragma once

#include <string>
#include <vector>

#include "app/sidfquery/sidfquery_options.hpp"
#include "coro/task.hpp"
#include "resolver/resolver.hpp"

namespace enma::app {

struct ResolvedTarget {
    std::vector<resolver::IpAddress> m_addresses;
    std::string m_error;  // why there is no address, e.g. "A nxdomain, AAAA nxdomain"
};

// resolve_target - the addresses of `target` (loop thread).
coro::Task<ResolvedTarget> resolve_target(resolver::Resolver& resolver, const Target& target,
                                          AddressFamily family);

}  // namespace enma::app
