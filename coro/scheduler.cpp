// scheduler.cpp - epoll loop, eventfd inbox, timers and detached tasks.
#include "coro/scheduler.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <stdexcept>
#include <system_error>

namespace enma::coro {

namespace {

// DetachedTask - a fire-and-forget coroutine that frees its own frame when it ends.
struct DetachedTask {
    struct promise_type {
        DetachedTask get_return_object() noexcept { return {}; }
        std::suspend_never initial_suspend() const noexcept { return {}; }
        std::suspend_never final_suspend() const noexcept { return {}; }
        void return_void() const noexcept {}
        void unhandled_exception() const noexcept { std::terminate(); }  // body catches all
    };
};

std::system_error sys_error(const char* what) {
    return std::system_error(errno, std::generic_category(), what);
}

}  // namespace

// SpawnAccess - lets the detached body and the exception barrier reach the scheduler's private
// bookkeeping.
struct SpawnAccess {
    // barrier - the loop's exception barrier: `fn` throwing is reported, never fatal.
    template <typename Fn>
    static void barrier(Fn& fn, Scheduler& scheduler) noexcept {
        try {
            fn();
        } catch (...) {
            scheduler.report_error(std::current_exception());
        }
    }

    static DetachedTask run(Scheduler& scheduler, Task<void> task) {
        co_await scheduler.schedule();
        try {
            co_await std::move(task);
        } catch (...) {
            scheduler.report_error(std::current_exception());
        }
        scheduler.task_finished();
    }
};

Scheduler::Scheduler(Options options) : m_options(options) {
    m_epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (m_epoll_fd < 0)
        throw sys_error("epoll_create1");
    m_event_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (m_event_fd < 0) {
        close(m_epoll_fd);
        throw sys_error("eventfd");
    }
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.ptr = nullptr;  // nullptr marks the inbox eventfd
    if (epoll_ctl(m_epoll_fd, EPOLL_CTL_ADD, m_event_fd, &event) < 0) {
        close(m_event_fd);
        close(m_epoll_fd);
        throw sys_error("epoll_ctl(eventfd)");
    }
    m_virtual_now = Clock::now();
}

Scheduler::~Scheduler() {
    stop();
    close(m_event_fd);
    close(m_epoll_fd);
}

void Scheduler::start() {
    if (m_thread.joinable())
        return;
    m_stop = false;
    m_thread = std::thread([this] { run(); });
}

void Scheduler::stop() {
    m_stop = true;
    wake();
    if (m_thread.joinable() && m_thread.get_id() != std::this_thread::get_id())
        m_thread.join();
}

Scheduler::TimePoint Scheduler::now() const noexcept {
    return m_options.virtual_time ? m_virtual_now : Clock::now();
}

// run - the loop: inbox, timers, then wait for fds or the next deadline.
void Scheduler::run() {
    enter_loop();
    while (!m_stop.load(std::memory_order_acquire)) {
        run_inbox();
        run_timers();
        const auto wait = next_wait();
        wait_for_events(wait.m_timeout_ms, wait.m_virtual_jump);
        m_graveyard.clear();
    }
    run_inbox();  // posts that raced with stop() still get their turn once
}

void Scheduler::enter_loop() {
    if (m_loop_thread != std::this_thread::get_id())
        ++m_loop_threads_seen;
    m_loop_thread = std::this_thread::get_id();
}

void Scheduler::post(std::coroutine_handle<> handle) {
    push(Job{handle, {}});
}

void Scheduler::post(std::function<void()> fn) {
    push(Job{{}, std::move(fn)});
}

// push - enqueue; only the post that makes the inbox non-empty needs to wake the loop.
void Scheduler::push(Job job) {
    bool was_empty;
    {
        std::lock_guard lock(m_inbox.m_mutex);
        was_empty = m_inbox.m_jobs.empty();
        m_inbox.m_jobs.push_back(std::move(job));
    }
    if (was_empty && !on_loop_thread())
        wake();
}

void Scheduler::waiter_arrived() {
    if (!m_options.jump_only_while_awaited)
        return;
    m_waiters.fetch_add(1);
    wake();
}

void Scheduler::waiter_left() noexcept {
    if (m_options.jump_only_while_awaited)
        m_waiters.fetch_sub(1);
}

void Scheduler::spawn(Task<void> task) {
    m_live_tasks.fetch_add(1);
    SpawnAccess::run(*this, std::move(task));
}

void Scheduler::set_error_handler(std::function<void(std::exception_ptr)> handler) {
    std::lock_guard lock(m_error_mutex);
    m_error_handler = std::move(handler);
}

// report_error - never throws: a throwing handler is reported on stderr instead.
void Scheduler::report_error(std::exception_ptr error) {
    std::lock_guard lock(m_error_mutex);
    try {
        if (m_error_handler) {
            m_error_handler(error);
            return;
        }
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "enma: loop work failed: %s\n", e.what());
    } catch (...) {
        std::fprintf(stderr, "enma: loop work failed with a non-standard exception\n");
    }
}

// run_inbox - take everything posted so far; posts made while running wait for the next turn.
void Scheduler::run_inbox() {
    std::vector<Job> jobs;
    {
        std::lock_guard lock(m_inbox.m_mutex);
        jobs.swap(m_inbox.m_jobs);
    }
    for (auto& job : jobs) {
        if (job.m_handle)
            job.m_handle.resume();  // a Task keeps its own exception for its awaiter
        else
            SpawnAccess::barrier(job.m_fn, *this);
    }
}

Scheduler::TimerId Scheduler::add_timer(TimePoint when, std::function<void()> fn) {
    TimerId id{when, ++m_timer_seq};
    m_timers.emplace(id, std::move(fn));
    return id;
}

void Scheduler::cancel_timer(const TimerId& id) noexcept {
    m_timers.erase(id);
}

// run_timers - fire every timer that is due, each removed before its callback runs.
void Scheduler::run_timers() {
    const auto current = now();
    while (!m_timers.empty() && m_timers.begin()->first.first <= current) {
        auto node = m_timers.extract(m_timers.begin());
        SpawnAccess::barrier(node.mapped(), *this);
    }
}

// next_wait - how long epoll may sleep: not at all with work queued, else until the next timer.
Scheduler::Wait Scheduler::next_wait() {
    {
        std::lock_guard lock(m_inbox.m_mutex);
        if (!m_inbox.m_jobs.empty())
            return {0, false};
    }
    if (m_stop.load(std::memory_order_acquire))
        return {0, false};
    if (m_timers.empty())
        return {-1, false};
    if (m_options.virtual_time) {
        if (m_options.jump_only_while_awaited && m_waiters.load() == 0)
            return {-1, false};  // until a waiter arrives (waiter_arrived wakes the loop)
        return {0, true};
    }
    const auto wait = m_timers.begin()->first.first - Clock::now();
    if (wait <= Duration::zero())
        return {0, false};
    // Round up: waking a millisecond early would just spin once more.
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(wait).count();
    return {ms > 60'000 ? 60'000 : static_cast<int>(ms), false};
}

void Scheduler::wait_for_events(int timeout_ms, bool virtual_jump) {
    epoll_event events[64];
    const int n = epoll_wait(m_epoll_fd, events, 64, timeout_ms);
    if (n < 0) {
        if (errno == EINTR)
            return;
        throw sys_error("epoll_wait");
    }
    if (n == 0 && virtual_jump) {
        // Idle in virtual time: jump to the next deadline.
        const auto next = m_timers.begin()->first.first;
        if (next > m_virtual_now)
            m_virtual_now = next;
        return;
    }
    for (int i = 0; i < n; ++i) {
        auto* watch = static_cast<Watch*>(events[i].data.ptr);
        if (watch == nullptr) {
            std::uint64_t count;
            [[maybe_unused]] auto r = read(m_event_fd, &count, sizeof count);
            continue;
        }
        if (!watch->m_dead)
            SpawnAccess::barrier(watch->m_fn, *this);
    }
}

void Scheduler::wake() noexcept {
    const std::uint64_t one = 1;
    [[maybe_unused]] auto r = write(m_event_fd, &one, sizeof one);
}

Scheduler::FdWatch Scheduler::watch(int fd, std::uint32_t events, std::function<void()> fn) {
    auto* watch = new Watch{fd, std::move(fn)};
    epoll_event event{};
    event.events = events;
    event.data.ptr = watch;
    if (epoll_ctl(m_epoll_fd, EPOLL_CTL_ADD, fd, &event) < 0) {
        delete watch;
        throw sys_error("epoll_ctl(ADD)");
    }
    return FdWatch{this, watch};
}

Scheduler::FdWatch Scheduler::watch_readable(int fd, std::function<void()> fn) {
    return watch(fd, EPOLLIN, std::move(fn));
}

// unwatch - stop delivery now, free later: an event for it may sit in the current batch.
void Scheduler::unwatch(Watch* watch) noexcept {
    epoll_ctl(m_epoll_fd, EPOLL_CTL_DEL, watch->m_fd, nullptr);
    watch->m_dead = true;
    m_graveyard.emplace_back(watch);
}

namespace {

// SleepAwaiter - a timer plus a cancellation registration; whichever fires first wins.
// Cancellation posts the resumption rather than resuming inline, so request_cancel() never
// runs arbitrary coroutine code underneath its caller.
struct SleepAwaiter {
    Scheduler& m_scheduler;
    Scheduler::TimePoint m_when;
    CancelToken m_token;
    Scheduler::TimerId m_timer{};
    CancelRegistration m_registration{};
    bool m_expired = false;

    bool await_ready() const noexcept { return m_token.is_cancelled(); }
    void await_suspend(std::coroutine_handle<> handle) {
        m_timer = m_scheduler.add_timer(m_when, [this, handle] {
            m_expired = true;
            m_registration.reset();
            handle.resume();
        });
        m_registration = CancelRegistration(m_token, [this, handle] {
            m_scheduler.cancel_timer(m_timer);
            m_scheduler.post(handle);
        });
    }
    bool await_resume() const noexcept { return m_expired; }
};

struct ReadableAwaiter {
    Scheduler& m_scheduler;
    int m_fd;
    Scheduler::FdWatch m_watch{};
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> handle) {
        m_watch = m_scheduler.watch_readable(m_fd, [this, handle] {
            m_watch.reset();
            handle.resume();
        });
    }
    void await_resume() const noexcept {}
};

}  // namespace

Task<bool> Scheduler::sleep_until(TimePoint when, CancelToken token) {
    SleepAwaiter awaiter{*this, when, std::move(token)};
    const bool expired = co_await awaiter;
    co_return expired;
}

Task<bool> Scheduler::sleep_for(Duration delay, CancelToken token) {
    return sleep_until(now() + delay, std::move(token));
}

Task<void> Scheduler::readable(int fd) {
    ReadableAwaiter awaiter{*this, fd};
    co_await awaiter;
}

}  // namespace enma::coro
