// when_all.hpp - run several tasks concurrently and resume when every one has finished.
//
// The latch starts at N+1: each child counts down once when it ends, and the awaiter counts
// down once when it has registered. Whoever brings it to zero resumes the awaiter, so a child
// that finishes synchronously while the others are still being started cannot resume it early.
// Every child runs to completion even if a sibling throws; the first exception (in argument
// order) is then rethrown in the awaiter.
#pragma once

#include <atomic>
#include <coroutine>
#include <exception>
#include <optional>
#include <tuple>
#include <variant>
#include <vector>

#include "coro/task.hpp"

namespace enma::coro {

// The value a Task<T> contributes to a when_all result (void contributes std::monostate).
template <typename T>
using WhenAllValue = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

namespace detail {

class WhenAllLatch {
public:
    explicit WhenAllLatch(std::size_t children) : m_count(children + 1) {}
    // try_await - register the awaiter; false if every child already finished.
    bool try_await(std::coroutine_handle<> awaiter) noexcept {
        m_awaiter = awaiter;
        return m_count.fetch_sub(1, std::memory_order_acq_rel) > 1;
    }
    // child_done - the handle to continue with: the awaiter if this was the last one.
    std::coroutine_handle<> child_done() noexcept {
        if (m_count.fetch_sub(1, std::memory_order_acq_rel) == 1)
            return m_awaiter;
        return std::noop_coroutine();
    }

private:
    std::atomic<std::size_t> m_count;
    std::coroutine_handle<> m_awaiter;
};

// WhenAllChild - the wrapper coroutine that runs one task and counts the latch down.
class WhenAllChild {
public:
    struct promise_type {
        WhenAllLatch* m_latch = nullptr;
        std::exception_ptr m_exception;

        WhenAllChild get_return_object() noexcept {
            return WhenAllChild{std::coroutine_handle<promise_type>::from_promise(*this)};
        }
        std::suspend_always initial_suspend() const noexcept { return {}; }
        auto final_suspend() const noexcept {
            struct Awaiter {
                bool await_ready() const noexcept { return false; }
                std::coroutine_handle<> await_suspend(
                    std::coroutine_handle<promise_type> self) noexcept {
                    return self.promise().m_latch->child_done();
                }
                void await_resume() const noexcept {}
            };
            return Awaiter{};
        }
        void return_void() const noexcept {}
        void unhandled_exception() noexcept { m_exception = std::current_exception(); }
    };

    explicit WhenAllChild(std::coroutine_handle<promise_type> handle) : m_handle(handle) {}
    WhenAllChild(WhenAllChild&& other) noexcept : m_handle(std::exchange(other.m_handle, {})) {}
    WhenAllChild(const WhenAllChild&) = delete;
    ~WhenAllChild() {
        if (m_handle)
            m_handle.destroy();
    }

    void start(WhenAllLatch& latch) {
        m_handle.promise().m_latch = &latch;
        m_handle.resume();
    }
    void rethrow_if_failed() const {
        if (m_handle.promise().m_exception)
            std::rethrow_exception(m_handle.promise().m_exception);
    }

private:
    std::coroutine_handle<promise_type> m_handle;
};

template <typename T>
WhenAllChild make_child(Task<T> task, std::optional<WhenAllValue<T>>& slot) {
    if constexpr (std::is_void_v<T>) {
        co_await std::move(task);
        slot.emplace();
    } else {
        slot.emplace(co_await std::move(task));
    }
}

// StartAll - the awaitable that starts every child and suspends until the latch opens.
struct StartAll {
    std::vector<WhenAllChild>& m_children;
    WhenAllLatch& m_latch;
    bool await_ready() const noexcept { return m_children.empty(); }
    bool await_suspend(std::coroutine_handle<> awaiter) {
        for (auto& child : m_children)
            child.start(m_latch);
        return m_latch.try_await(awaiter);
    }
    void await_resume() const {
        for (const auto& child : m_children)
            child.rethrow_if_failed();
    }
};

}  // namespace detail

// when_all - every task of a vector, results in the same order.
template <typename T>
Task<std::vector<WhenAllValue<T>>> when_all(std::vector<Task<T>> tasks) {
    std::vector<std::optional<WhenAllValue<T>>> slots(tasks.size());
    std::vector<detail::WhenAllChild> children;
    children.reserve(tasks.size());
    for (std::size_t i = 0; i < tasks.size(); ++i)
        children.push_back(detail::make_child(std::move(tasks[i]), slots[i]));
    detail::WhenAllLatch latch(children.size());
    co_await detail::StartAll{children, latch};
    std::vector<WhenAllValue<T>> results;
    results.reserve(slots.size());
    for (auto& slot : slots)
        results.push_back(std::move(*slot));
    co_return results;
}

// when_all - a pack of tasks of different types, results as a tuple.
template <typename... Ts>
Task<std::tuple<WhenAllValue<Ts>...>> when_all(Task<Ts>... tasks) {
    std::tuple<std::optional<WhenAllValue<Ts>>...> slots;
    std::vector<detail::WhenAllChild> children;
    children.reserve(sizeof...(Ts));
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (children.push_back(detail::make_child(std::move(tasks), std::get<I>(slots))), ...);
    }
    (std::index_sequence_for<Ts...>{});
    detail::WhenAllLatch latch(children.size());
    co_await detail::StartAll{children, latch};
    co_return std::apply([](auto&... slot) { return std::tuple{std::move(*slot)...}; }, slots);
}

}  // namespace enma::coro
