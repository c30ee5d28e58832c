// app_milter_linger_test.cpp - LingerGate: the worker pool's 10 ms readiness wait is granted
// to sessions whose MTA speaks quickly and to a bounded number of workers at once; a session
// whose wait ran out is slow until it speaks within the linger window of its hand-back, so
// thousands of slow sessions cannot each hold a worker thread (issue 13).
#include <doctest/doctest.h>

#include "app/enma/milter_linger.hpp"

using enma::app::LingerGate;

TEST_CASE("quick sessions linger, up to the lingering limit") {
    LingerGate gate(2);
    const LingerGate::Session quick;
    CHECK(gate.try_enter(quick));
    CHECK(gate.try_enter(quick));
    CHECK(gate.lingering() == 2);
    CHECK_FALSE(gate.try_enter(quick));  // a third worker checks as libmilter asked
    CHECK(gate.lingering() == 2);        // the refused one left no trace
    gate.leave();
    CHECK(gate.lingering() == 1);
    CHECK(gate.try_enter(quick));
    CHECK(gate.lingering() == 2);
}

TEST_CASE("a session whose wait ran out does not linger until it speaks quickly again") {
    LingerGate gate;
    LingerGate::Session session;
    LingerGate::handed_back(session, 1000);
    CHECK(session.m_slow);
    CHECK_FALSE(gate.try_enter(session));
    CHECK(gate.lingering() == 0);
    LingerGate::spoke(session, 3000);  // two seconds later: a slow client
    CHECK(session.m_slow);
    CHECK_FALSE(gate.try_enter(session));
    LingerGate::handed_back(session, 3001);
    LingerGate::spoke(session, 3001 + LingerGate::kLingerMs);  // within the window: quick
    CHECK_FALSE(session.m_slow);
    CHECK(gate.try_enter(session));
    CHECK(gate.lingering() == 1);
}

TEST_CASE("a slow session's window is measured from its latest hand-back") {
    LingerGate::Session session;
    LingerGate::handed_back(session, 0);
    LingerGate::spoke(session, LingerGate::kLingerMs + 1);
    CHECK(session.m_slow);
    LingerGate::handed_back(session, 500);
    LingerGate::spoke(session, 505);
    CHECK_FALSE(session.m_slow);
    LingerGate::spoke(session, 10000);  // a quick session stays quick until a wait runs out
    CHECK_FALSE(session.m_slow);
}
