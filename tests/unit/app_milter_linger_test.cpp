// app_milter_linger_test.cpp - LingerGate: the worker pool's 10 ms readiness wait is granted
// while few sessions are open and few workers linger, and refused beyond either limit, so
// thousands of slow sessions cannot each hold a worker thread (issue 13).
#include <doctest/doctest.h>

#include "app/enma/milter_linger.hpp"

using enma::app::LingerGate;

TEST_CASE("a few open sessions may linger, up to the lingering limit") {
    LingerGate gate(4, 2);
    gate.opened();
    gate.opened();
    CHECK(gate.try_enter());
    CHECK(gate.try_enter());
    CHECK(gate.lingering() == 2);
    CHECK_FALSE(gate.try_enter());  // a third worker checks as libmilter asked
    CHECK(gate.lingering() == 2);   // the refused one left no trace
    gate.leave();
    CHECK(gate.lingering() == 1);
    CHECK(gate.try_enter());
    CHECK(gate.lingering() == 2);
}

TEST_CASE("with more sessions open than the limit, nobody lingers") {
    LingerGate gate(3, 16);
    for (int i = 0; i < 4; ++i)
        gate.opened();
    CHECK(gate.open() == 4);
    CHECK_FALSE(gate.try_enter());
    CHECK(gate.lingering() == 0);
    gate.closed();  // back at the limit: lingering allowed again
    CHECK(gate.open() == 3);
    CHECK(gate.try_enter());
    CHECK(gate.lingering() == 1);
}

TEST_CASE("the defaults keep Postfix-sized loads lingering and floods not") {
    LingerGate gate;
    for (unsigned i = 0; i < 100; ++i)
        gate.opened();
    for (unsigned i = 0; i < LingerGate::kMaxLingering; ++i)
        CHECK(gate.try_enter());
    CHECK_FALSE(gate.try_enter());
    for (unsigned i = 0; i < LingerGate::kMaxLingering; ++i)
        gate.leave();
    for (unsigned i = 100; i < 20000; ++i)
        gate.opened();
    CHECK_FALSE(gate.try_enter());
    CHECK(gate.lingering() == 0);
}
