// spf_prefetch.hpp - speculative, parallel lookups for the records of one check_host() run.
//
// As soon as a record is parsed, the prefetcher launches every lookup its terms may need
// (a / mx / exists targets, the MX hosts' addresses, PTR names and their addresses, and the
// include / redirect targets, whose records are parsed and prefetched in turn when they
// arrive). The evaluator then walks the record in RFC order over SpfDns's shared answers, so
// a record tree costs about its depth in round trips instead of its number of lookups.
//
// It never changes a result: it only warms SpfDns; errors of lookups the evaluation never
// reaches are never seen; limits are counted by the evaluator alone. It is bounded by the same
// limits: at most m_max_dns_terms terms in all are prefetched, at most m_max_mx_names /
// m_max_ptr_names hosts per term, and terms whose target needs %{p} are skipped.
#pragma once

#include <cstddef>
#include <set>
#include <string>

#include "coro/task.hpp"
#include "verify/spf/spf_check_host.hpp"
#include "verify/spf/spf_dns.hpp"
#include "verify/spf/spf_record.hpp"

namespace enma::spf {

class Prefetcher {
public:
    Prefetcher(SpfDns& dns, const CheckHostRequest& request, const SpfLimits& limits);

    // prefetch_record - launch the lookups of `record`, evaluated with <domain> = `domain`.
    void prefetch_record(const SpfRecord& record, const std::string& domain);

    std::size_t terms_launched() const noexcept { return m_terms_launched; }

private:
    void prefetch_term(const Mechanism& mechanism, const std::string& domain);
    coro::Task<void> addresses(std::string name, resolver::RrType type);
    coro::Task<void> mx_hosts(std::string name);
    coro::Task<void> ptr_names();
    coro::Task<void> child_record(std::string name);

    SpfDns& m_dns;
    const CheckHostRequest& m_request;
    const SpfLimits& m_limits;
    std::size_t m_terms_launched = 0;
    bool m_ptr_launched = false;
    std::set<std::string> m_prefetched;  // domains whose record was prefetched (lower case)
};

}  // namespace enma::spf
