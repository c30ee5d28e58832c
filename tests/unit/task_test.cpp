// task_test.cpp - Task<T> and when_all: laziness, ordering, exceptions, lifetimes.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "coro/task.hpp"
#include "coro/when_all.hpp"

using enma::coro::Task;
using enma::coro::when_all;

namespace {

// Counted - counts live instances so tests can prove no frame leaks its locals.
struct Counted {
    static inline int live = 0;
    Counted() { ++live; }
    Counted(const Counted&) { ++live; }
    ~Counted() { --live; }
};

// drive - run a task that never suspends on anything external, from outside any coroutine.
template <typename T>
T drive(Task<T> task) {
    std::optional<T> out;
    auto outer = [](Task<T> inner, std::optional<T>& slot) -> Task<void> {
        slot.emplace(co_await std::move(inner));
    }(std::move(task), out);
    auto handle = outer.release();
    handle.resume();
    REQUIRE(handle.done());
    handle.destroy();
    return std::move(*out);
}

Task<int> value(int v) {
    co_return v;
}

Task<int> add(int a, int b) {
    co_return co_await value(a) + co_await value(b);
}

Task<int> thrower() {
    throw std::runtime_error("boom");
    co_return 0;
}

Task<int> counted_chain(int depth) {
    Counted guard;
    if (depth == 0)
        co_return Counted::live;
    co_return co_await counted_chain(depth - 1);
}

Task<long> deep(long n) {
    if (n == 0)
        co_return 0;
    co_return 1 + co_await deep(n - 1);
}

}  // namespace

TEST_CASE("a task is lazy: its body runs only when awaited") {
    bool ran = false;
    auto task = [](bool& flag) -> Task<int> {
        flag = true;
        co_return 7;
    }(ran);
    CHECK_FALSE(ran);
    CHECK(drive(std::move(task)) == 7);
    CHECK(ran);
}

TEST_CASE("awaiting tasks gives their values in order") {
    CHECK(drive(add(2, 40)) == 42);
}

TEST_CASE("an exception propagates to the awaiter") {
    auto catcher = []() -> Task<std::string> {
        try {
            co_await thrower();
        } catch (const std::runtime_error& e) {
            co_return std::string("caught ") + e.what();
        }
        co_return std::string("not thrown");
    };
    CHECK(drive(catcher()) == "caught boom");
}

TEST_CASE("frames release their locals: nested chain of 100") {
    Counted::live = 0;
    CHECK(drive(counted_chain(100)) == 101);
    CHECK(Counted::live == 0);
}

// ASan and TSan instrument every call and so defeat the tail call that symmetric transfer
// compiles to: under them the chain only checks values, at a depth any stack holds.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr long kChainDepth = 1'000;
#else
constexpr long kChainDepth = 1'000'000;
#endif

TEST_CASE("symmetric transfer: a chain of 1,000,000 synchronous awaits does not grow the stack") {
    CHECK(drive(deep(kChainDepth)) == kChainDepth);
}

TEST_CASE("a task destroyed without being awaited frees its frame") {
    Counted::live = 0;
    {
        auto task = [](Counted c) -> Task<int> {
            (void)c;
            co_return 1;
        }(Counted{});
        CHECK(Counted::live == 1);
    }
    CHECK(Counted::live == 0);
}

TEST_CASE("when_all over a vector keeps the input order") {
    std::vector<Task<int>> tasks;
    for (int i = 0; i < 10; ++i)
        tasks.push_back(value(i * i));
    auto results = drive(when_all(std::move(tasks)));
    REQUIRE(results.size() == 10);
    for (int i = 0; i < 10; ++i)
        CHECK(results[i] == i * i);
}

TEST_CASE("when_all over an empty vector completes at once") {
    auto results = drive(when_all(std::vector<Task<int>>{}));
    CHECK(results.empty());
}

TEST_CASE("when_all over a pack mixes types and void") {
    auto nothing = []() -> Task<void> { co_return; };
    auto text = []() -> Task<std::string> { co_return "txt"; };
    auto [a, b, c] = drive(when_all(value(1), nothing(), text()));
    CHECK(a == 1);
    CHECK(b == std::monostate{});
    CHECK(c == "txt");
}

TEST_CASE("when_all runs every child and rethrows the first failure") {
    int finished = 0;
    auto counting = [](int& n) -> Task<int> {
        ++n;
        co_return n;
    };
    std::vector<Task<int>> tasks;
    tasks.push_back(counting(finished));
    tasks.push_back(thrower());
    tasks.push_back(counting(finished));
    auto guarded = [](std::vector<Task<int>> all) -> Task<std::string> {
        try {
            co_await when_all(std::move(all));
        } catch (const std::runtime_error& e) {
            co_return e.what();
        }
        co_return "no throw";
    };
    CHECK(drive(guarded(std::move(tasks))) == "boom");
    CHECK(finished == 2);
}
