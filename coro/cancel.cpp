// cancel.cpp - CancelSource and CancelRegistration.
#include "coro/cancel.hpp"

#include <utility>

namespace enma::coro {

// request_cancel - mark cancelled and run each callback once, tolerating re-entrant changes.
void CancelSource::request_cancel() {
    if (m_state->m_cancelled)
        return;
    m_state->m_cancelled = true;
    auto& callbacks = m_state->m_callbacks;
    while (!callbacks.empty()) {
        auto node = callbacks.extract(callbacks.begin());
        node.mapped()();
    }
}

CancelRegistration::CancelRegistration(const CancelToken& token, std::function<void()> callback) {
    if (!token.m_state)
        return;
    if (token.m_state->m_cancelled) {
        callback();
        return;
    }
    m_state = token.m_state;
    m_id = ++m_state->m_next_id;
    m_state->m_callbacks.emplace(m_id, std::move(callback));
}

CancelRegistration::CancelRegistration(CancelRegistration&& other) noexcept
    : m_state(std::move(other.m_state)), m_id(std::exchange(other.m_id, 0)) {}

CancelRegistration& CancelRegistration::operator=(CancelRegistration&& other) noexcept {
    if (this != &other) {
        reset();
        m_state = std::move(other.m_state);
        m_id = std::exchange(other.m_id, 0);
    }
    return *this;
}

// reset - forget the callback; harmless if it already ran.
void CancelRegistration::reset() noexcept {
    if (m_state)
        m_state->m_callbacks.erase(m_id);
    m_state.reset();
    m_id = 0;
}

}  // namespace enma::coro
