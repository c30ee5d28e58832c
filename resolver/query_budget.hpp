// query_budget.hpp - the per-message cap on DNS queries, and what was spent.
//
// Why one object: RFC 7208's own limits (10 terms, 2 void lookups) live in the SPF verifier,
// but a message runs SPF, Sender ID, DKIM, ADSP, DMARC, ARC and iprev together; the budget is
// the one place that bounds the sum (default 256 > the 233 of the ENMA worst case) and that
// the log line reports. Loop thread only.
#pragma once

#include <cstddef>

namespace enma::resolver {

class QueryBudget {
public:
    static constexpr std::size_t kDefaultLimit = 256;

    explicit QueryBudget(std::size_t limit = kDefaultLimit) : m_limit(limit) {}

    // try_spend - count one query; false (and counted as refused) once the cap is reached.
    bool try_spend() noexcept {
        if (m_used >= m_limit) {
            ++m_refused;
            return false;
        }
        ++m_used;
        return true;
    }
    std::size_t used() const noexcept { return m_used; }
    std::size_t refused() const noexcept { return m_refused; }
    std::size_t limit() const noexcept { return m_limit; }

private:
    std::size_t m_limit;
    std::size_t m_used = 0;
    std::size_t m_refused = 0;
};

}  // namespace enma::resolver
