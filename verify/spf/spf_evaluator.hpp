// spf_evaluator.hpp - the sequential check_host() algorithm of RFC 7208 sections 4 to 6.
//
// One Evaluator serves one top-level check_host() run and its recursion (include, redirect):
// it owns the run's counters, so the 10-term and 2-void limits span the whole record tree.
// All DNS goes through SpfDns, which may hold answers a Prefetcher launched earlier; the
// order in which this class awaits them is the RFC's, so results never depend on prefetching.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "coro/task.hpp"
#include "verify/spf/spf_check_host.hpp"
#include "verify/spf/spf_dns.hpp"
#include "verify/spf/spf_prefetch.hpp"
#include "verify/spf/spf_record.hpp"

namespace enma::spf {

class Evaluator {
public:
    Evaluator(SpfDns& dns, const CheckHostRequest& request, const SpfLimits& limits,
              Prefetcher* prefetcher);

    // check - check_host(<ip>, domain, <sender>); `want_explanation` is false inside include.
    coro::Task<SpfOutput> check(std::string domain, bool want_explanation);

    std::size_t dns_terms() const noexcept { return m_dns_terms; }
    std::size_t void_lookups() const noexcept { return m_void_lookups; }

private:
    // Match - a mechanism's outcome: matched, not matched, or an error that ends the check.
    struct Match {
        enum class Kind : unsigned char { no, yes, error };
        Kind m_kind = Kind::no;
        SpfResult m_error = SpfResult::permerror;
        std::string m_reason;
    };
    static Match no() { return {}; }
    static Match yes() { return {Match::Kind::yes, SpfResult::none, {}}; }
    static Match error(SpfResult result, std::string reason) {
        return {Match::Kind::error, result, std::move(reason)};
    }

    coro::Task<SpfOutput> evaluate(const SpfRecord& record, const std::string& domain,
                                   bool want_explanation);
    coro::Task<SpfOutput> follow_redirect(const std::string& spec, const std::string& domain,
                                          bool want_explanation);
    coro::Task<Match> match(const Mechanism& mechanism, const std::string& domain);
    coro::Task<Match> match_a(const Mechanism& mechanism, const std::string& target);
    coro::Task<Match> match_mx(const Mechanism& mechanism, const std::string& target);
    coro::Task<Match> match_ptr(const std::string& target);
    coro::Task<Match> match_exists(const std::string& target);
    coro::Task<Match> match_include(const std::string& target);
    coro::Task<std::optional<std::string>> target_name(const std::string& spec,
                                                       const std::string& domain);
    coro::Task<std::string> validated_domain(const std::string& domain);
    coro::Task<bool> is_validated(const std::string& name);
    coro::Task<std::string> explanation(const std::string& spec, const std::string& domain);
    std::optional<Match> count_void(const resolver::Answer& answer, const std::string& name);
    bool matches(const Mechanism& mechanism, const resolver::IpAddress& address) const;
    bool matches_ip6(const Mechanism& mechanism) const;

    SpfDns& m_dns;
    const CheckHostRequest& m_request;
    const SpfLimits& m_limits;
    Prefetcher* m_prefetcher;
    std::size_t m_dns_terms = 0;
    std::size_t m_void_lookups = 0;
    std::vector<std::string> m_stack;  // domains being evaluated, outermost first (lower case)
};

}  // namespace enma::spf
