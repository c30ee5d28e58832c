// scheduler_test.cpp - the event loop: posts, timers, fds, cancellation, deadlines, scale.
#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "coro/deadline.hpp"
#include "coro/scheduler.hpp"
#include "coro/sync_wait.hpp"
#include "coro/when_all.hpp"

using namespace std::chrono_literals;
using enma::coro::CancelSource;
using enma::coro::CancelToken;
using enma::coro::Scheduler;
using enma::coro::sync_wait;
using enma::coro::Task;
using enma::coro::when_all;

namespace {

struct Loop {
    explicit Loop(bool virtual_time = false) : m_scheduler(Scheduler::Options{virtual_time}) {
        m_scheduler.start();
    }
    Scheduler m_scheduler;
};

Task<int> sleeper(Scheduler& s, std::chrono::milliseconds d, int id, std::vector<int>& order) {
    co_await s.sleep_for(d);
    order.push_back(id);
    co_return id;
}

}  // namespace

TEST_CASE("sync_wait runs the task on the loop thread and returns its value") {
    Loop loop;
    auto where = [](Scheduler& s) -> Task<bool> { co_return s.on_loop_thread(); };
    CHECK(sync_wait(loop.m_scheduler, where(loop.m_scheduler)));
}

TEST_CASE("sync_wait rethrows the task's exception") {
    Loop loop;
    auto bad = []() -> Task<int> {
        throw std::logic_error("bad");
        co_return 1;
    };
    CHECK_THROWS_WITH_AS(sync_wait(loop.m_scheduler, bad()), "bad", std::logic_error);
}

TEST_CASE("posts run in FIFO order") {
    Loop loop;
    std::vector<int> order;
    auto body = [](Scheduler& s, std::vector<int>& out) -> Task<void> {
        for (int i = 0; i < 5; ++i)
            s.post([&out, i] { out.push_back(i); });
        co_await s.schedule();  // queued behind the five closures
        out.push_back(99);
    };
    sync_wait(loop.m_scheduler, body(loop.m_scheduler, order));
    CHECK(order == std::vector<int>{0, 1, 2, 3, 4, 99});
}

TEST_CASE("timers fire in deadline order, ties in insertion order (virtual time)") {
    Loop loop(true);
    std::vector<int> order;
    auto body = [](Scheduler& s, std::vector<int>& out) -> Task<void> {
        std::vector<Task<int>> tasks;
        tasks.push_back(sleeper(s, 30ms, 3, out));
        tasks.push_back(sleeper(s, 10ms, 1, out));
        tasks.push_back(sleeper(s, 20ms, 2, out));
        tasks.push_back(sleeper(s, 10ms, 4, out));
        co_await when_all(std::move(tasks));
    };
    sync_wait(loop.m_scheduler, body(loop.m_scheduler, order));
    CHECK(order == std::vector<int>{1, 4, 2, 3});
}

TEST_CASE("virtual time advances exactly by the awaited delays") {
    Loop loop(true);
    auto body = [](Scheduler& s) -> Task<long> {
        const auto start = s.now();
        co_await s.sleep_for(50ms);
        auto nap = [](Scheduler& sched, std::chrono::milliseconds d) -> Task<bool> {
            co_return co_await sched.sleep_for(d);
        };
        co_await when_all(nap(s, 50ms), nap(s, 20ms));
        co_return std::chrono::duration_cast<std::chrono::milliseconds>(s.now() - start).count();
    };
    CHECK(sync_wait(loop.m_scheduler, body(loop.m_scheduler)) == 100);
}

TEST_CASE("100,000 concurrent tasks all complete on one thread") {
    Loop loop(true);
    auto one = [](Scheduler& s, int i) -> Task<int> {
        co_await s.sleep_for(std::chrono::milliseconds(i % 97));
        co_return s.on_loop_thread() ? 1 : 0;
    };
    auto body = [](Scheduler& s, decltype(one) make) -> Task<long> {
        std::vector<Task<int>> tasks;
        tasks.reserve(100'000);
        for (int i = 0; i < 100'000; ++i)
            tasks.push_back(make(s, i));
        long sum = 0;
        for (int v : co_await when_all(std::move(tasks)))
            sum += v;
        co_return sum;
    };
    CHECK(sync_wait(loop.m_scheduler, body(loop.m_scheduler, one)) == 100'000);
    CHECK(loop.m_scheduler.loop_threads_seen() == 1);
    CHECK(loop.m_scheduler.pending_timers() == 0);
}

TEST_CASE("posts from 16 threads at once all arrive") {
    Loop loop;
    std::atomic<int> ran{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 16; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 1000; ++i) {
                loop.m_scheduler.spawn([](std::atomic<int>& n) -> Task<void> {
                    n.fetch_add(1);
                    co_return;
                }(ran));
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    auto drain = []() -> Task<void> { co_return; };
    while (loop.m_scheduler.live_tasks() != 0)
        sync_wait(loop.m_scheduler, drain());
    CHECK(ran.load() == 16'000);
}

TEST_CASE("a cancelled sleep ends early with false and leaves no timer behind") {
    Loop loop(true);
    auto body = [](Scheduler& s) -> Task<bool> {
        CancelSource source;
        s.add_timer(s.now() + 5ms, [source]() mutable { source.request_cancel(); });
        const bool expired = co_await s.sleep_for(10s, source.token());
        co_return expired;
    };
    CHECK_FALSE(sync_wait(loop.m_scheduler, body(loop.m_scheduler)));
    CHECK(loop.m_scheduler.pending_timers() == 0);
}

TEST_CASE("with_deadline turns a slow task into a result, not a leak") {
    Loop loop(true);
    auto slow = [](Scheduler& s, CancelToken token) -> Task<std::string> {
        const bool expired = co_await s.sleep_for(30s, token);
        co_return expired ? "finished" : "cancelled";
    };
    auto body = [](Scheduler& s, decltype(slow) make) -> Task<std::string> {
        CancelSource source;
        auto token = source.token();
        auto result =
            co_await enma::coro::with_deadline(s, s.now() + 100ms, source, make(s, token));
        co_return result;
    };
    CHECK(sync_wait(loop.m_scheduler, body(loop.m_scheduler, slow)) == "cancelled");
    CHECK(loop.m_scheduler.pending_timers() == 0);
}

TEST_CASE("with_deadline leaves a fast task alone and removes its timer") {
    Loop loop(true);
    auto fast = [](Scheduler& s, CancelToken token) -> Task<std::string> {
        const bool expired = co_await s.sleep_for(10ms, token);
        co_return expired ? "finished" : "cancelled";
    };
    auto body = [](Scheduler& s, decltype(fast) make) -> Task<std::string> {
        CancelSource source;
        co_return co_await enma::coro::with_deadline(s, s.now() + 1s, source,
                                                     make(s, source.token()));
    };
    CHECK(sync_wait(loop.m_scheduler, body(loop.m_scheduler, fast)) == "finished");
    CHECK(loop.m_scheduler.pending_timers() == 0);
}

TEST_CASE("readable() resumes when a pipe gets data") {
    Loop loop;
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    auto body = [](Scheduler& s, int fd) -> Task<char> {
        co_await s.readable(fd);
        char c = 0;
        REQUIRE(read(fd, &c, 1) == 1);
        co_return c;
    };
    std::thread writer([&] {
        std::this_thread::sleep_for(20ms);
        REQUIRE(write(fds[1], "x", 1) == 1);
    });
    CHECK(sync_wait(loop.m_scheduler, body(loop.m_scheduler, fds[0])) == 'x');
    writer.join();
    close(fds[0]);
    close(fds[1]);
}

TEST_CASE("a spawned task that throws is reported, and the loop goes on") {
    Loop loop;
    std::atomic<int> errors{0};
    loop.m_scheduler.set_error_handler([&](std::exception_ptr) { errors.fetch_add(1); });
    loop.m_scheduler.spawn([]() -> Task<void> {
        throw std::runtime_error("bug");
        co_return;
    }());
    auto ok = []() -> Task<int> { co_return 5; };
    CHECK(sync_wait(loop.m_scheduler, ok()) == 5);
    CHECK(errors.load() == 1);
}

TEST_CASE("a closure, a timer or an fd callback that throws is reported; the loop goes on") {
    Loop loop;
    Scheduler& s = loop.m_scheduler;
    std::atomic<int> errors{0};
    std::vector<std::string> what;  // written on the loop thread only, read after a sync_wait
    s.set_error_handler([&](std::exception_ptr error) {
        errors.fetch_add(1);
        try {
            std::rethrow_exception(error);
        } catch (const std::exception& e) {
            what.emplace_back(e.what());
        }
    });
    s.post([] { throw std::runtime_error("closure"); });
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    Scheduler::FdWatch watch;
    auto arm = [&]() -> Task<int> {
        s.add_timer(s.now(), [] { throw std::runtime_error("timer"); });
        watch = s.watch_readable(fds[0], [&] {
            watch.reset();
            throw std::logic_error("fd");
        });
        co_return 1;
    };
    CHECK(sync_wait(s, arm()) == 1);
    REQUIRE(write(fds[1], "x", 1) == 1);
    auto later = [&]() -> Task<int> {
        co_await s.sleep_for(50ms);
        co_return 7;
    };
    CHECK(sync_wait(s, later()) == 7);  // the loop survived all three
    CHECK(errors.load() == 3);
    CHECK(what == std::vector<std::string>{"closure", "timer", "fd"});
    close(fds[0]);
    close(fds[1]);
}

TEST_CASE("a handler that throws itself does not end the loop") {
    Loop loop;
    loop.m_scheduler.set_error_handler([](std::exception_ptr) { throw 1; });
    loop.m_scheduler.post([] { throw std::runtime_error("closure"); });
    auto ok = []() -> Task<int> { co_return 5; };
    CHECK(sync_wait(loop.m_scheduler, ok()) == 5);
}
