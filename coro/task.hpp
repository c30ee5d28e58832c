// task.hpp - Task<T>, the lazy coroutine every verifier and lookup returns.
//
// Invariants:
//  - A Task does nothing until it is awaited (lazy start): creating one is cheap and cannot
//    race with the scheduler.
//  - Completion resumes the awaiter by symmetric transfer, so long chains of tasks that finish
//    synchronously never grow the stack.
//  - An exception thrown inside the coroutine is rethrown in the awaiter by co_await.
//  - A Task owns its frame: destroying a Task destroys a coroutine that has not run or has
//    finished. Destroying a Task whose coroutine is suspended mid-flight is a programming
//    error; cancellation (cancel.hpp) is how work is stopped early.
#pragma once

#include <cassert>
#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

namespace enma::coro {

template <typename T = void>
class Task;

namespace detail {

// FinalAwaiter - hand control to whoever awaited the task (or nobody).
struct FinalAwaiter {
    bool await_ready() const noexcept { return false; }
    template <typename Promise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> self) noexcept {
        return self.promise().m_continuation;
    }
    void await_resume() const noexcept {}
};

struct PromiseBase {
    std::coroutine_handle<> m_continuation = std::noop_coroutine();
    std::exception_ptr m_exception;

    std::suspend_always initial_suspend() const noexcept { return {}; }
    FinalAwaiter final_suspend() const noexcept { return {}; }
    void unhandled_exception() noexcept { m_exception = std::current_exception(); }
    void rethrow_if_failed() const {
        if (m_exception)
            std::rethrow_exception(m_exception);
    }
};

template <typename T>
struct Promise : PromiseBase {
    std::optional<T> m_value;

    Task<T> get_return_object() noexcept;
    template <typename U>
    void return_value(U&& value) {
        m_value.emplace(std::forward<U>(value));
    }
    T take() {
        rethrow_if_failed();
        assert(m_value.has_value());
        return std::move(*m_value);
    }
};

template <>
struct Promise<void> : PromiseBase {
    Task<void> get_return_object() noexcept;
    void return_void() noexcept {}
    void take() const { rethrow_if_failed(); }
};

}  // namespace detail

// Task - a lazily started, move-only coroutine producing one T.
template <typename T>
class [[nodiscard]] Task {
public:
    using promise_type = detail::Promise<T>;
    using value_type = T;
    using Handle = std::coroutine_handle<promise_type>;

    Task() noexcept = default;
    explicit Task(Handle handle) noexcept : m_handle(handle) {}
    Task(Task&& other) noexcept : m_handle(std::exchange(other.m_handle, {})) {}
    Task& operator=(Task&& other) noexcept {
        if (this != &other) {
            destroy();
            m_handle = std::exchange(other.m_handle, {});
        }
        return *this;
    }
    Task(const Task&) = delete;
    Task& operator=(const Task&) = delete;
    ~Task() { destroy(); }

    bool valid() const noexcept { return static_cast<bool>(m_handle); }
    bool done() const noexcept { return !m_handle || m_handle.done(); }

    auto operator co_await() && noexcept {
        struct Awaiter {
            Handle m_handle;
            bool await_ready() const noexcept { return !m_handle || m_handle.done(); }
            std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiter) noexcept {
                m_handle.promise().m_continuation = awaiter;
                return m_handle;
            }
            T await_resume() { return m_handle.promise().take(); }
        };
        return Awaiter{m_handle};
    }

    // Hands the frame to a driver (when_all, sync_wait, Scheduler::spawn) that resumes it.
    Handle release() noexcept { return std::exchange(m_handle, {}); }

private:
    void destroy() noexcept {
        if (m_handle)
            m_handle.destroy();
        m_handle = {};
    }

    Handle m_handle;
};

namespace detail {

template <typename T>
Task<T> Promise<T>::get_return_object() noexcept {
    return Task<T>{std::coroutine_handle<Promise<T>>::from_promise(*this)};
}

inline Task<void> Promise<void>::get_return_object() noexcept {
    return Task<void>{std::coroutine_handle<Promise<void>>::from_promise(*this)};
}

}  // namespace detail

}  // namespace enma::coro
