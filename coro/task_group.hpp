// task_group.hpp - the tasks of one message, started from any thread, awaited from outside.
//
// A libmilter thread starts a message's lookups as the SMTP dialogue goes on (SPF at MAIL
// FROM, a key fetch per DKIM-Signature) and at end-of-message blocks until all have finished.
// The group is the bridge: start() hands each task to the scheduler, wait() sleeps on a
// condition variable until the count drops to zero, cancel() fires the group's CancelSource on
// the loop thread (so every lookup listening to token() ends at once), and
// cancel_after() arms the one per-message deadline.
//
// Invariant: the group outlives its tasks: it is always owned by a shared_ptr (create()) and
// each task keeps one, so an aborted message is freed only when its last cancelled lookup has
// come back, and wait() may return while the last task is still unwinding.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "coro/cancel.hpp"
#include "coro/scheduler.hpp"
#include "coro/task.hpp"

namespace enma::coro {

class TaskGroup : public std::enable_shared_from_this<TaskGroup> {
public:
    static std::shared_ptr<TaskGroup> create(Scheduler& scheduler) {
        return std::shared_ptr<TaskGroup>(new TaskGroup(scheduler));
    }
    TaskGroup(const TaskGroup&) = delete;
    TaskGroup& operator=(const TaskGroup&) = delete;

    // start - run `task` on the loop thread as a member of the group (any thread).
    void start(Task<void> task);
    // start - run every task of `tasks` likewise, with one hand-off to the loop thread for
    // all of them (each start() is a wake-up of the loop when it sleeps).
    void start(std::vector<Task<void>> tasks);
    // wait - block until every started task has finished (not on the loop thread).
    void wait();
    // cancel - request cancellation of every lookup that listens to token() (any thread).
    void cancel();
    // cancel_after - cancel when `delay` has passed, unless everything finished (any thread).
    // With nothing pending at the call it does nothing at all (no post, no wake-up): call it
    // after the last start(), as end-of-message does.
    void cancel_after(Scheduler::Duration delay);
    // token - the group's cancellation; read it only on the loop thread.
    CancelToken token() const { return m_source.token(); }
    std::size_t pending() const;
    // error - the first exception a task of the group threw (a bug), or null (any thread).
    // The caller fails the message with it; the scheduler's error handler has logged it.
    std::exception_ptr error() const;
    // expired - did cancel_after()'s deadline fire (any thread)?
    bool expired() const noexcept { return m_expired.load(); }

private:
    explicit TaskGroup(Scheduler& scheduler) : m_scheduler(scheduler) {}
    static Task<void> run(std::shared_ptr<TaskGroup> self, Task<void> task);
    void finished();
    void keep_error(std::exception_ptr error);

    Scheduler& m_scheduler;
    CancelSource m_source;                         // loop thread only
    std::optional<Scheduler::TimerId> m_deadline;  // loop thread only
    mutable std::mutex m_mutex;
    std::condition_variable m_idle;
    std::size_t m_pending = 0;
    std::exception_ptr m_error;  // under m_mutex
    std::atomic<bool> m_expired{false};
};

}  // namespace enma::coro
