// deadline.hpp - a deadline that cancels work instead of abandoning it.
//
// with_deadline() fires `source` when the deadline passes. Everything below that listens to
// the source's token (DNS lookups, sleeps) finishes early with a "cancelled" outcome, which the
// verifiers turn into temperror; the task therefore still returns a value and every frame is
// freed. Nothing is left running behind a timed-out message.
#pragma once

#include "coro/cancel.hpp"
#include "coro/scheduler.hpp"
#include "coro/task.hpp"

namespace enma::coro {

namespace detail {
// TimerGuard - cancels a scheduler timer when the awaiting frame unwinds.
class TimerGuard {
public:
    TimerGuard(Scheduler& scheduler, Scheduler::TimerId id) : m_scheduler(scheduler), m_id(id) {}
    TimerGuard(const TimerGuard&) = delete;
    TimerGuard& operator=(const TimerGuard&) = delete;
    ~TimerGuard() { m_scheduler.cancel_timer(m_id); }

private:
    Scheduler& m_scheduler;
    Scheduler::TimerId m_id;
};
}  // namespace detail

// with_deadline - await `task`; if `deadline` passes first, cancel `source` (loop thread).
template <typename T>
Task<T> with_deadline(Scheduler& scheduler, Scheduler::TimePoint deadline, CancelSource source,
                      Task<T> task) {
    detail::TimerGuard guard(
        scheduler, scheduler.add_timer(deadline, [source]() mutable { source.request_cancel(); }));
    co_return co_await std::move(task);
}

template <>
inline Task<void> with_deadline(Scheduler& scheduler, Scheduler::TimePoint deadline,
                                CancelSource source, Task<void> task) {
    detail::TimerGuard guard(
        scheduler, scheduler.add_timer(deadline, [source]() mutable { source.request_cancel(); }));
    co_await std::move(task);
}

}  // namespace enma::coro
