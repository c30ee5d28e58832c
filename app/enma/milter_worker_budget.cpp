// milter_worker_budget.cpp - the sessions out on workers, counted for the controller.
#include "app/enma/milter_worker_budget.hpp"

#include <algorithm>

namespace enma::app {

void WorkerBudget::handed(int fd, std::uint64_t identity, std::int64_t now_ms) {
    m_out.push_back({fd, identity, now_ms});
}

std::int64_t WorkerBudget::until_free_ms(std::int64_t now_ms) const {
    if (m_out.empty())
        return 0;
    return std::max<std::int64_t>(0, m_out.front().m_since_ms + m_stuck_after_ms - now_ms);
}

}  // namespace enma::app
