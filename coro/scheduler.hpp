// scheduler.hpp - the single event-loop thread that runs every coroutine in enma.
//
// Invariants (the threading contract of the whole program):
//  - One loop thread runs all coroutines, timers and fd callbacks. Everything that is not
//    marked "any thread" below must be called on that thread.
//  - Other threads (libmilter workers, CLI mains) only post(): a handle or a closure goes into
//    a mutex-protected inbox and an eventfd wakes the loop. They wait for results with
//    sync_wait() (sync_wait.hpp), never by touching coroutine state.
//  - Timers are ordered by (deadline, sequence): equal deadlines fire in the order they were
//    added. Callbacks run with the timer already removed, so they may add or cancel others.
//  - An fd watch removed while its event is pending in the same epoll batch is not called:
//    removed watches are kept until the batch ends.
//  - Exception barrier: a posted closure, timer callback or fd callback that throws (a bug)
//    does not end the loop thread; the exception goes to the error handler
//    (set_error_handler: the daemon logs it) and the loop goes on. A throwing task ends as
//    a failed task of its TaskGroup, so only the message concerned fails.
//  - With Options::virtual_time the clock jumps to the next timer whenever the loop has
//    nothing else to do, so delayed test fixtures run instantly yet in a deterministic order.
#pragma once

#include <atomic>
#include <chrono>
#include <coroutine>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "coro/cancel.hpp"
#include "coro/task.hpp"

namespace enma::coro {

class Scheduler {
public:
    using Clock = std::chrono::steady_clock;
    using TimePoint = Clock::time_point;
    using Duration = Clock::duration;
    using TimerId = std::pair<TimePoint, std::uint64_t>;

    struct Options {
        bool virtual_time = false;  // tests: the clock advances only when the loop is idle
        // tests driving the loop from another thread (as libmilter does): the virtual clock
        // advances only while that thread waits in TaskGroup::wait(), so it cannot jump past
        // a deadline the thread is still about to arm
        bool jump_only_while_awaited = false;
    };

    class FdWatch;

    Scheduler() : Scheduler(Options{}) {}
    explicit Scheduler(Options options);
    ~Scheduler();
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    // start - run the loop on a new thread (any thread; once).
    void start();
    // stop - end the loop after the current iteration and join it (any thread but the loop's).
    void stop();
    // run - run the loop on the calling thread until stop() is requested.
    void run();

    bool on_loop_thread() const noexcept { return std::this_thread::get_id() == m_loop_thread; }
    std::thread::id loop_thread_id() const noexcept { return m_loop_thread; }
    TimePoint now() const noexcept;

    // post - resume `handle` / call `fn` on the loop thread, in FIFO order (any thread).
    void post(std::coroutine_handle<> handle);
    void post(std::function<void()> fn);
    // spawn - run `task` to completion on the loop thread; nobody awaits it (any thread).
    void spawn(Task<void> task);
    // schedule - awaitable that continues the awaiting coroutine on the loop thread.
    auto schedule() noexcept;

    // Detached tasks started by spawn() that have not finished yet (any thread).
    std::size_t live_tasks() const noexcept { return m_live_tasks.load(); }

    // waiter_arrived / waiter_left - an outside thread starts / stops blocking on the loop's
    // work (TaskGroup::wait). Only Options::jump_only_while_awaited looks at them.
    void waiter_arrived();
    void waiter_left() noexcept;
    // Called with the exception of a spawned task, closure, timer or fd callback that threw
    // (a bug; logged, never fatal). On the loop thread; the handler must not throw.
    void set_error_handler(std::function<void(std::exception_ptr)> handler);

    // Timers (loop thread).
    TimerId add_timer(TimePoint when, std::function<void()> fn);
    void cancel_timer(const TimerId& id) noexcept;
    std::size_t pending_timers() const noexcept { return m_timers.size(); }
    // sleep_until / sleep_for - true when the time came, false if `token` was cancelled first.
    // (Tasks rather than bare awaiters: GCC 12 miscompiles co_await on a temporary awaiter
    // with a non-trivial destructor inside conditions; a task keeps the awaiter named.)
    Task<bool> sleep_until(TimePoint when, CancelToken token = {});
    Task<bool> sleep_for(Duration delay, CancelToken token = {});

    // Fd readiness (loop thread): `fn` runs on every readiness of `events` (EPOLLIN, ...)
    // until the returned watch is destroyed.
    FdWatch watch(int fd, std::uint32_t events, std::function<void()> fn);
    FdWatch watch_readable(int fd, std::function<void()> fn);
    // readable - resumes once `fd` is readable.
    Task<void> readable(int fd);

    // The number of distinct threads that ever ran loop work (a proof for tests: always 1).
    std::size_t loop_threads_seen() const noexcept { return m_loop_threads_seen; }

private:
    struct Watch {
        int m_fd;
        std::function<void()> m_fn;
        bool m_dead = false;
    };
    // Job - one posted unit: a coroutine to resume, or else a closure to call.
    struct Job {
        std::coroutine_handle<> m_handle;
        std::function<void()> m_fn;
    };
    struct Inbox {
        std::mutex m_mutex;
        std::vector<Job> m_jobs;
    };
    void push(Job job);

    struct Wait {
        int m_timeout_ms;
        bool m_virtual_jump;
    };

    void enter_loop();
    void run_inbox();
    void run_timers();
    Wait next_wait();
    void wait_for_events(int timeout_ms, bool virtual_jump);
    void wake() noexcept;
    void unwatch(Watch* watch) noexcept;
    void report_error(std::exception_ptr error);
    void task_finished() noexcept { m_live_tasks.fetch_sub(1); }

    friend struct SpawnAccess;

    Options m_options;
    int m_epoll_fd = -1;
    int m_event_fd = -1;
    std::thread m_thread;
    std::thread::id m_loop_thread;
    std::size_t m_loop_threads_seen = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<std::size_t> m_live_tasks{0};
    std::atomic<int> m_waiters{0};
    Inbox m_inbox;
    std::map<TimerId, std::function<void()>> m_timers;
    std::uint64_t m_timer_seq = 0;
    TimePoint m_virtual_now{};
    std::vector<std::unique_ptr<Watch>> m_graveyard;
    std::mutex m_error_mutex;
    std::function<void(std::exception_ptr)> m_error_handler;
};

// FdWatch - RAII registration of an fd callback; moving keeps the registration.
class Scheduler::FdWatch {
public:
    FdWatch() = default;
    FdWatch(FdWatch&& other) noexcept
        : m_scheduler(std::exchange(other.m_scheduler, nullptr)),
          m_watch(std::exchange(other.m_watch, nullptr)) {}
    FdWatch& operator=(FdWatch&& other) noexcept {
        if (this != &other) {
            reset();
            m_scheduler = std::exchange(other.m_scheduler, nullptr);
            m_watch = std::exchange(other.m_watch, nullptr);
        }
        return *this;
    }
    ~FdWatch() { reset(); }
    void reset() noexcept {
        if (m_scheduler)
            m_scheduler->unwatch(m_watch);
        m_scheduler = nullptr;
        m_watch = nullptr;
    }
    explicit operator bool() const noexcept { return m_watch != nullptr; }

private:
    friend class Scheduler;
    FdWatch(Scheduler* scheduler, Watch* watch) : m_scheduler(scheduler), m_watch(watch) {}
    Scheduler* m_scheduler = nullptr;
    Watch* m_watch = nullptr;
};

inline auto Scheduler::schedule() noexcept {
    struct Awaiter {
        Scheduler& m_scheduler;
        bool await_ready() const noexcept { return false; }
        void await_suspend(std::coroutine_handle<> handle) { m_scheduler.post(handle); }
        void await_resume() const noexcept {}
    };
    return Awaiter{*this};
}

}  // namespace enma::coro
