// milter_worker_budget.hpp - how many sessions libmilter's pool controller may hand to workers
// now, so that a burst of ready sessions does not start a burst of threads.
//
// libmilter's controller hands each ready session to an idle worker, or starts a new thread
// when none is idle. After a stall (a busy CPU, a long round of the controller) hundreds of
// slow sessions are ready at once, and each round started a thread for each: peaks of 130 to
// 190 threads at 19,900 connections, for a fraction of a second (issue 13, bench/run S5-20k).
// WorkerBudget counts the sessions handed out and not back yet; at `most_out` the controller
// waits for one to come back (its wake-up pipe) before it gets more. A worker that waits for
// its message's lookups (parked, end of message) does not count: a thread each, as before,
// so slow DNS never holds back the other sessions. Nor does a session out longer than
// `stuck_after_ms` (a worker waiting on a slow MTA).
//
// Invariant: used by the controller thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace enma::app {

class WorkerBudget {
public:
    WorkerBudget(std::size_t most_out, std::int64_t stuck_after_ms)
        : m_most_out(most_out), m_stuck_after_ms(stuck_after_ms) {}

    // handed - the session on `fd` (its connection `identity`) went to a worker at `now_ms`.
    void handed(int fd, std::uint64_t identity, std::int64_t now_ms);

    // available - how many more may go now, once the sessions that are back (`back(fd,
    // identity)` true: in the controller's set again, or closed) and the stuck ones are
    // dropped; parked ones (`parked(fd)`) are kept but not counted.
    template <typename Back, typename Parked>
    std::size_t available(std::int64_t now_ms, Back back, Parked parked) {
        std::erase_if(m_out, [&](const Out& out) {
            return now_ms - out.m_since_ms >= m_stuck_after_ms || back(out.m_fd, out.m_identity);
        });
        std::size_t busy = 0;
        for (const Out& out : m_out)
            busy += !parked(out.m_fd);
        return busy >= m_most_out ? 0 : m_most_out - busy;
    }

    // until_free_ms - when none is available: how long until the oldest counts as stuck.
    std::int64_t until_free_ms(std::int64_t now_ms) const;

private:
    struct Out {
        int m_fd = -1;
        std::uint64_t m_identity = 0;
        std::int64_t m_since_ms = 0;
    };
    std::size_t m_most_out;
    std::int64_t m_stuck_after_ms;
    std::vector<Out> m_out;  // in the order handed
};

}  // namespace enma::app
