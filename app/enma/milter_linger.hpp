// milter_linger.hpp - whether a libmilter worker may keep a session a little longer.
//
// After each command, Debian's libmilter worker pool asks whether the session's next command
// is already there (a 1 ms poll) and otherwise hands the session back to its controller
// thread. Behind a Postfix with a handful of connections, waiting 10 ms instead saves two
// thread switches per SMTP command (libmilter_tcp.cpp). But a lingering worker is a thread
// held by a session that may say nothing for seconds, and libmilter starts a new worker
// whenever none is idle: with thousands of slow connections, each command would hold a thread
// for 10 ms (issue 13: 640 threads at 19,900 connections). So the linger is granted
//   - only to a session whose MTA spoke within kLingerMs of its last hand-back (Session): a
//     session that let a wait run out is slow until it proves quick again, and
//   - to at most kMaxLingering workers at once;
// every other check is libmilter's own 1 ms. A quick session keeps its worker (and stays out
// of the controller's poll over every idle connection) however many slow ones are open.
//
// Invariant: lingering() counts the grants not yet left (an atomic: workers call in
// parallel). A Session belongs to one connection, which one libmilter thread serves at a time.
#pragma once

#include <atomic>
#include <cstdint>

namespace enma::app {

class LingerGate {
public:
    static constexpr int kLingerMs = 10;
    static constexpr unsigned kMaxLingering = 16;

    // Session - one connection's pace; times in ms of any monotonic clock.
    struct Session {
        bool m_slow = false;  // its last wait ran out, and it has not spoken quickly since
        std::int64_t m_handed_back = 0;  // when its last wait ran out
    };

    explicit LingerGate(unsigned max_lingering = kMaxLingering) : m_max_lingering(max_lingering) {}

    // try_enter - true: the caller may wait kLingerMs for `session` and must call leave()
    // afterwards; false: it waits no longer than libmilter asked.
    bool try_enter(const Session& session) noexcept;
    void leave() noexcept { m_lingering.fetch_sub(1, std::memory_order_relaxed); }

    // handed_back - a readiness check of `session` found nothing at `now_ms`: it goes back to
    // the pool, and is slow until it speaks within kLingerMs.
    static void handed_back(Session& session, std::int64_t now_ms) noexcept;
    // spoke - bytes arrived from the MTA on `session` at `now_ms`.
    static void spoke(Session& session, std::int64_t now_ms) noexcept;

    unsigned lingering() const noexcept { return m_lingering.load(std::memory_order_relaxed); }

private:
    const unsigned m_max_lingering;
    std::atomic<unsigned> m_lingering{0};
};

}  // namespace enma::app
