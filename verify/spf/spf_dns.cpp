// spf_dns.cpp - shared lookups, detached prefetch tasks and the join at the end of a run.
#include "verify/spf/spf_dns.hpp"

#include <cassert>
#include <cctype>

namespace enma::spf {

using resolver::Answer;
using resolver::RrType;

namespace {
// key_of - names compare case-insensitively and with or without the trailing dot.
std::string key_of(std::string_view name) {
    if (!name.empty() && name.back() == '.')
        name.remove_suffix(1);
    std::string key(name);
    for (auto& c : key)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return key;
}
}  // namespace

struct SpfDns::SlotAwaiter {
    Slot& m_slot;
    bool await_ready() const noexcept { return m_slot.m_done; }
    void await_suspend(std::coroutine_handle<> handle) { m_slot.m_waiters.push_back(handle); }
    Answer await_resume() const { return m_slot.m_answer; }
};

struct SpfDns::JoinAwaiter {
    SpfDns& m_owner;
    bool await_ready() const noexcept { return m_owner.m_in_flight == 0; }
    void await_suspend(std::coroutine_handle<> handle) noexcept { m_owner.m_joiner = handle; }
    void await_resume() const noexcept {}
};

// Detached - an eagerly started coroutine that frees itself and, as the last launched task
// to end, hands control to the coroutine waiting in finish() (symmetric transfer).
struct SpfDns::Detached {
    struct promise_type {
        SpfDns& m_owner;
        promise_type(SpfDns& owner, coro::Task<void>&) : m_owner(owner) {}
        Detached get_return_object() noexcept { return {}; }
        std::suspend_never initial_suspend() const noexcept { return {}; }
        auto final_suspend() const noexcept {
            struct Awaiter {
                bool await_ready() const noexcept { return false; }
                std::coroutine_handle<> await_suspend(
                    std::coroutine_handle<promise_type> self) noexcept {
                    auto next = self.promise().m_owner.task_ended();
                    self.destroy();
                    return next;
                }
                void await_resume() const noexcept {}
            };
            return Awaiter{};
        }
        void return_void() const noexcept {}
        // Prefetching is an optimisation: a failure in it must not end the verification.
        void unhandled_exception() const noexcept {}
    };
};

SpfDns::SpfDns(resolver::Resolver& resolver, bool sharing)
    : m_resolver(resolver), m_sharing(sharing) {}

SpfDns::~SpfDns() {
    assert(m_in_flight == 0);
}

SpfDns::Detached SpfDns::run_detached(SpfDns&, coro::Task<void> work) {
    co_await std::move(work);
}

std::coroutine_handle<> SpfDns::task_ended() noexcept {
    --m_in_flight;
    if (m_in_flight == 0 && m_joiner)
        return std::exchange(m_joiner, {});
    return std::noop_coroutine();
}

void SpfDns::deliver(Slot& slot, const Answer& answer) {
    slot.m_answer = answer;
    slot.m_done = true;
    const auto waiters = std::move(slot.m_waiters);
    slot.m_waiters.clear();
    for (auto handle : waiters)
        handle.resume();
}

coro::Task<Answer> SpfDns::fetch(std::string name, RrType type) {
    if (!m_sharing) {
        ++m_queries;
        co_return co_await m_resolver.query(std::move(name), type);
    }
    auto [it, inserted] = m_slots.try_emplace({key_of(name), type});
    if (!inserted) {
        const auto slot = it->second;  // keeps the slot alive while this frame waits on it
        co_return co_await SlotAwaiter{*slot};
    }
    ++m_queries;
    const auto slot = it->second = std::make_shared<Slot>();
    Answer answer = co_await m_resolver.query(std::move(name), type, m_cancel.token());
    deliver(*slot, answer);
    co_return answer;
}

void SpfDns::launch(coro::Task<void> work) {
    if (m_closed)
        return;
    ++m_in_flight;
    run_detached(*this, std::move(work));
}

coro::Task<void> SpfDns::finish() {
    m_closed = true;
    m_cancel.request_cancel();
    co_await JoinAwaiter{*this};
}

}  // namespace enma::spf
