// scoped_resolver.hpp - one message's view of the shared resolver.
//
// Verifiers take a plain Resolver&; the milter hands them a ScopedResolver so that every
// lookup of the message is counted against its QueryBudget, cancelled by its deadline or abort
// (the token is added to every query), traced for `sidfquery -v` / debug logs, and summed
// into per-message DNSSEC statistics. The shared resolver (and its cache) is untouched.
//
// A query the budget refuses is answered DnsStatus::budget without reaching the shared
// resolver; it is traced and counted as a failure, but in no security counter (it was never
// asked). Each forwarded query gets a token cancelled by either the scope's token or the
// caller's, and counts once in the counter of its answer's security.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "resolver/query_budget.hpp"
#include "resolver/resolver.hpp"

namespace enma::resolver {

class ScopedResolver : public Resolver {
public:
    // Called after each lookup with the question and its answer (loop thread).
    using Trace = std::function<void(const std::string& name, RrType type, const Answer&)>;

    struct Stats {
        std::size_t m_secure = 0;
        std::size_t m_insecure = 0;
        std::size_t m_bogus = 0;
        std::size_t m_unchecked = 0;
        std::size_t m_failures = 0;  // temporary failures, timeouts and cancellations included
    };

    ScopedResolver(Resolver& shared, QueryBudget& budget, coro::CancelToken token = {},
                   Trace trace = {});

    const Stats& stats() const noexcept { return m_stats; }
    const QueryBudget& budget() const noexcept { return m_budget; }

protected:
    coro::Task<Answer> do_query(std::string name, RrType type, coro::CancelToken token) override;

private:
    // count - add one forwarded answer to the stats.
    void count(const Answer& answer) noexcept;

    Resolver& m_shared;
    QueryBudget& m_budget;
    coro::CancelToken m_token;
    Trace m_trace;
    Stats m_stats;
};

}  // namespace enma::resolver
