// sync_wait.hpp - block a thread outside the loop until a task run on the loop has finished.
//
// This is how libmilter worker threads and CLI mains get results: the task runs on the
// scheduler's thread (where all DNS state lives) and the caller sleeps on a semaphore.
// Never call it from the loop thread: the loop would wait for itself.
#pragma once

#include <cassert>
#include <exception>
#include <optional>
#include <semaphore>

#include "coro/scheduler.hpp"
#include "coro/task.hpp"
#include "coro/when_all.hpp"

namespace enma::coro {

namespace detail {

template <typename T>
struct SyncState {
    std::optional<WhenAllValue<T>> m_value;
    std::exception_ptr m_exception;
    std::binary_semaphore m_done{0};
};

template <typename T>
Task<void> sync_body(Task<T> task, SyncState<T>& state) {
    try {
        if constexpr (std::is_void_v<T>) {
            co_await std::move(task);
            state.m_value.emplace();
        } else {
            state.m_value.emplace(co_await std::move(task));
        }
    } catch (...) {
        state.m_exception = std::current_exception();
    }
    state.m_done.release();  // last touch of `state`: the waiter may destroy it right after
}

}  // namespace detail

// sync_wait - run `task` on `scheduler` and return its value (or rethrow its exception).
template <typename T>
T sync_wait(Scheduler& scheduler, Task<T> task) {
    assert(!scheduler.on_loop_thread());
    detail::SyncState<T> state;
    scheduler.spawn(detail::sync_body(std::move(task), state));
    state.m_done.acquire();
    if (state.m_exception)
        std::rethrow_exception(state.m_exception);
    if constexpr (!std::is_void_v<T>)
        return std::move(*state.m_value);
}

}  // namespace enma::coro
