// milter_linger.hpp - whether a libmilter worker may keep a session a little longer.
//
// After each command, Debian's libmilter worker pool asks whether the session's next command
// is already there (a 1 ms poll) and otherwise hands the session back to its controller
// thread. Behind a Postfix with a handful of connections, waiting 10 ms instead saves two
// thread switches per SMTP command (libmilter_tcp.cpp). But a lingering worker is a thread
// held by a session that may say nothing for seconds: with thousands of slow connections,
// every command would hold a thread for 10 ms, and libmilter starts a new worker whenever
// none is idle (issue 13: 640 threads at 20,000 connections). So the linger is granted only
// while few sessions are open and few workers linger; otherwise the check is libmilter's own.
//
// Invariant: lingering() counts the grants not yet left; open() the sessions opened and not
// yet closed. Both are atomics: workers, the listener and the controller call in parallel.
#pragma once

#include <atomic>

namespace enma::app {

class LingerGate {
public:
    static constexpr int kLingerMs = 10;
    // Behind Postfix a milter sees at most one session per smtpd process (100 by default);
    // slow-client floods are far beyond this.
    static constexpr unsigned kMaxOpen = 256;
    static constexpr unsigned kMaxLingering = 16;

    explicit LingerGate(unsigned max_open = kMaxOpen, unsigned max_lingering = kMaxLingering)
        : m_max_open(max_open), m_max_lingering(max_lingering) {}

    void opened() noexcept { m_open.fetch_add(1, std::memory_order_relaxed); }
    void closed() noexcept { m_open.fetch_sub(1, std::memory_order_relaxed); }

    // try_enter - true: the caller may wait kLingerMs and must call leave() afterwards;
    // false: it waits no longer than libmilter asked.
    bool try_enter() noexcept;
    void leave() noexcept { m_lingering.fetch_sub(1, std::memory_order_relaxed); }

    unsigned open() const noexcept { return m_open.load(std::memory_order_relaxed); }
    unsigned lingering() const noexcept { return m_lingering.load(std::memory_order_relaxed); }

private:
    const unsigned m_max_open;
    const unsigned m_max_lingering;
    std::atomic<unsigned> m_open{0};
    std::atomic<unsigned> m_lingering{0};
};

}  // namespace enma::app
