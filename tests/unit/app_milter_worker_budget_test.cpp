// app_milter_worker_budget_test.cpp - WorkerBudget: sessions out count until back, closed or
// stuck; parked ones are kept but not counted; until_free_ms is the oldest's time to stuck.
#include <doctest/doctest.h>

#include <cstdint>
#include <set>

#include "app/enma/milter_worker_budget.hpp"

using enma::app::WorkerBudget;

namespace {

auto never_back = [](int, std::uint64_t) { return false; };
auto none_parked = [](int) { return false; };

}  // namespace

TEST_CASE("each session handed out takes a place until it is back") {
    WorkerBudget budget(3, 1000);
    CHECK(budget.available(0, never_back, none_parked) == 3);
    budget.handed(5, 50, 0);
    budget.handed(6, 60, 10);
    CHECK(budget.available(20, never_back, none_parked) == 1);
    budget.handed(7, 70, 20);
    CHECK(budget.available(20, never_back, none_parked) == 0);
    CHECK(budget.until_free_ms(20) == 980);
    auto six_back = [](int fd, std::uint64_t identity) { return fd == 6 && identity == 60; };
    CHECK(budget.available(30, six_back, none_parked) == 1);
    // Once dropped, it stays dropped.
    CHECK(budget.available(30, never_back, none_parked) == 1);
}

TEST_CASE("parked sessions do not count, and count again when they resume") {
    WorkerBudget budget(2, 1000);
    budget.handed(5, 50, 0);
    budget.handed(6, 60, 0);
    std::set<int> parked{5};
    auto is_parked = [&](int fd) { return parked.count(fd) == 1; };
    CHECK(budget.available(1, never_back, is_parked) == 1);
    parked.clear();
    CHECK(budget.available(2, never_back, is_parked) == 0);
}

TEST_CASE("a session out longer than stuck_after_ms no longer counts") {
    WorkerBudget budget(1, 100);
    budget.handed(5, 50, 0);
    CHECK(budget.available(99, never_back, none_parked) == 0);
    CHECK(budget.until_free_ms(99) == 1);
    CHECK(budget.available(100, never_back, none_parked) == 1);
    CHECK(budget.until_free_ms(100) == 0);
}
