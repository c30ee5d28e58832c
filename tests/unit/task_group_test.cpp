// task_group_test.cpp - a message's task group: start from threads, wait, cancel, deadline.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "coro/sync_wait.hpp"
#include "coro/task_group.hpp"

using namespace std::chrono_literals;
using enma::coro::CancelToken;
using enma::coro::Scheduler;
using enma::coro::Task;
using enma::coro::TaskGroup;

namespace {

Task<void> nap(Scheduler& s, Scheduler::Duration d, CancelToken token, std::atomic<int>& expired,
               std::atomic<int>& cancelled) {
    const bool slept = co_await s.sleep_for(d, std::move(token));
    if (slept)
        expired.fetch_add(1);
    else
        cancelled.fetch_add(1);
}

}  // namespace

TEST_CASE("wait() returns once every task started from several threads has finished") {
    Scheduler scheduler;
    scheduler.start();
    auto group = TaskGroup::create(scheduler);
    std::atomic<int> expired{0}, cancelled{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 50; ++i)
                group->start(nap(scheduler, 1ms, {}, expired, cancelled));
        });
    for (auto& thread : threads)
        thread.join();
    group->wait();
    CHECK(group->pending() == 0);
    CHECK(expired.load() == 200);
    CHECK(cancelled.load() == 0);
}

TEST_CASE("the deadline cancels what still runs, and the group finishes with results") {
    // The clock moves only inside wait(): otherwise an idle loop may jump past the 60 s nap
    // before this thread has armed the 1 s deadline (a TSan run under load did).
    Scheduler scheduler(Scheduler::Options{true, true});
    scheduler.start();
    auto group = TaskGroup::create(scheduler);
    std::atomic<int> expired{0}, cancelled{0};
    // Tokens are read on the loop thread: start a task that starts the sleeps there.
    auto starter = [](Scheduler& s, TaskGroup& g, std::atomic<int>& e,
                      std::atomic<int>& c) -> Task<void> {
        co_await nap(s, 10ms, g.token(), e, c);
    };
    auto slow = [](Scheduler& s, TaskGroup& g, std::atomic<int>& e,
                   std::atomic<int>& c) -> Task<void> { co_await nap(s, 60s, g.token(), e, c); };
    group->start(starter(scheduler, *group, expired, cancelled));
    group->start(slow(scheduler, *group, expired, cancelled));
    group->cancel_after(1s);
    group->wait();
    CHECK(expired.load() == 1);
    CHECK(cancelled.load() == 1);
    scheduler.stop();
    CHECK(scheduler.pending_timers() == 0);
}

TEST_CASE("cancel() (an abort) ends every lookup promptly") {
    Scheduler scheduler;
    scheduler.start();
    auto group = TaskGroup::create(scheduler);
    std::atomic<int> expired{0}, cancelled{0};
    auto slow = [](Scheduler& s, TaskGroup& g, std::atomic<int>& e,
                   std::atomic<int>& c) -> Task<void> { co_await nap(s, 60s, g.token(), e, c); };
    for (int i = 0; i < 10; ++i)
        group->start(slow(scheduler, *group, expired, cancelled));
    group->cancel();
    group->wait();
    CHECK(cancelled.load() == 10);
    CHECK(expired.load() == 0);
}

TEST_CASE("cancel_after with everything finished arms no deadline") {
    Scheduler scheduler(Scheduler::Options{true});
    scheduler.start();
    auto group = TaskGroup::create(scheduler);
    std::atomic<int> expired{0}, cancelled{0};
    group->start(nap(scheduler, 1ms, {}, expired, cancelled));
    group->wait();
    group->cancel_after(1s);  // nothing pending: returns without posting
    group->wait();
    scheduler.stop();
    CHECK_FALSE(group->expired());
    CHECK(expired.load() == 1);
    CHECK(scheduler.pending_timers() == 0);
}

TEST_CASE("a batch of tasks starts with one hand-off and is waited for like the rest") {
    Scheduler scheduler;
    scheduler.start();
    auto group = TaskGroup::create(scheduler);
    std::atomic<int> expired{0}, cancelled{0};
    std::vector<Task<void>> batch;
    for (int i = 0; i < 5; ++i)
        batch.push_back(nap(scheduler, 1ms, {}, expired, cancelled));
    group->start(std::move(batch));
    group->start(std::vector<Task<void>>{});  // an empty batch is no work at all
    group->wait();
    CHECK(group->pending() == 0);
    CHECK(expired.load() == 5);
    CHECK(scheduler.loop_threads_seen() == 1);
}

TEST_CASE("a task that throws fails its own group only; the loop and other groups go on") {
    Scheduler scheduler;
    std::atomic<int> reported{0};
    scheduler.set_error_handler([&](std::exception_ptr) { reported.fetch_add(1); });
    scheduler.start();
    auto broken = TaskGroup::create(scheduler);
    auto healthy = TaskGroup::create(scheduler);
    std::atomic<int> expired{0}, cancelled{0};
    broken->start(nap(scheduler, 1ms, {}, expired, cancelled));
    broken->start([]() -> Task<void> {
        throw std::runtime_error("lookup bug");
        co_return;
    }());
    healthy->start(nap(scheduler, 1ms, {}, expired, cancelled));
    broken->wait();
    healthy->wait();
    REQUIRE(broken->error());
    CHECK_THROWS_WITH_AS(std::rethrow_exception(broken->error()), "lookup bug", std::runtime_error);
    CHECK(!healthy->error());
    CHECK(broken->pending() == 0);
    CHECK(expired.load() == 2);
    // The report follows the count-out in the same loop turn: a round trip sees it.
    auto ok = []() -> Task<int> { co_return 3; };
    CHECK(enma::coro::sync_wait(scheduler, ok()) == 3);
    CHECK(reported.load() == 1);
}
