// milter_linger.cpp - the linger grant of the worker pool's readiness check.
#include "app/enma/milter_linger.hpp"

namespace enma::app {

bool LingerGate::try_enter() noexcept {
    if (open() > m_max_open)
        return false;
    if (m_lingering.fetch_add(1, std::memory_order_relaxed) < m_max_lingering)
        return true;
    leave();
    return false;
}

}  // namespace enma::app
