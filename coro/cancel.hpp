// cancel.hpp - cooperative cancellation: a source that fires once, tokens that observe it.
//
// Why not std::stop_token: its callbacks may run on any thread and it carries atomics and a
// mutex per registration. Ours are used only on the scheduler thread (the invariant below),
// so registration is a map insert and firing is a loop.
//
// Invariant: request_cancel(), registration and deregistration all happen on one thread at a
// time (in enma: the scheduler thread). Other threads cancel by posting to the scheduler.
// Callbacks run at most once, synchronously inside request_cancel(), and may themselves
// register or deregister other callbacks.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>

namespace enma::coro {

namespace detail {
struct CancelState {
    bool m_cancelled = false;
    std::uint64_t m_next_id = 0;
    std::map<std::uint64_t, std::function<void()>> m_callbacks;
};
}  // namespace detail

class CancelRegistration;

// CancelToken - a cheap, copyable view of a CancelSource; a default token never cancels.
class CancelToken {
public:
    CancelToken() = default;
    bool can_cancel() const noexcept { return static_cast<bool>(m_state); }
    bool is_cancelled() const noexcept { return m_state && m_state->m_cancelled; }

private:
    friend class CancelSource;
    friend class CancelRegistration;
    explicit CancelToken(std::shared_ptr<detail::CancelState> state) : m_state(std::move(state)) {}
    std::shared_ptr<detail::CancelState> m_state;
};

// CancelSource - owns the cancellation state; request_cancel() fires every callback once.
class CancelSource {
public:
    CancelSource() : m_state(std::make_shared<detail::CancelState>()) {}
    CancelToken token() const { return CancelToken{m_state}; }
    bool is_cancelled() const noexcept { return m_state->m_cancelled; }
    void request_cancel();

private:
    std::shared_ptr<detail::CancelState> m_state;
};

// CancelRegistration - RAII: runs `callback` when the token is cancelled, unless destroyed
// first. If the token is already cancelled the callback runs in the constructor.
class CancelRegistration {
public:
    CancelRegistration() = default;
    CancelRegistration(const CancelToken& token, std::function<void()> callback);
    CancelRegistration(CancelRegistration&& other) noexcept;
    CancelRegistration& operator=(CancelRegistration&& other) noexcept;
    CancelRegistration(const CancelRegistration&) = delete;
    CancelRegistration& operator=(const CancelRegistration&) = delete;
    ~CancelRegistration() { reset(); }

    void reset() noexcept;

private:
    std::shared_ptr<detail::CancelState> m_state;
    std::uint64_t m_id = 0;
};

}  // namespace enma::coro
