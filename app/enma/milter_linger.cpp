// milter_linger.cpp - the linger grant of the worker pool's readiness check.
#include "app/enma/milter_linger.hpp"

namespace enma::app {

bool LingerGate::try_enter(const Session& session) noexcept {
    if (session.m_slow)
        return false;
    if (m_lingering.fetch_add(1, std::memory_order_relaxed) < m_max_lingering)
        return true;
    leave();
    return false;
}

void LingerGate::handed_back(Session& session, std::int64_t now_ms) noexcept {
    session.m_slow = true;
    session.m_handed_back = now_ms;
}

void LingerGate::spoke(Session& session, std::int64_t now_ms) noexcept {
    if (session.m_slow && now_ms - session.m_handed_back <= kLingerMs)
        session.m_slow = false;
}

}  // namespace enma::app
