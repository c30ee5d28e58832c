// milter_controller_poll.hpp - libmilter's pool controller's poll(), answered from an epoll set.
//
// Debian's libmilter (worker.c) polls every idle session in one poll() and, after any event,
// builds the whole set again and polls it again. With 20,000 open sessions each call hands
// the kernel 20,000 descriptors to check and to wait on, a few milliseconds of kernel time,
// once per handful of commands (issue 13, bench/run S5-20k). ControllerPoll keeps the set
// registered in an epoll instance and, per call, only registers what joined and removes what
// left since the previous call (a session handed to a worker leaves; it rejoins when its
// command is done): the kernel then touches only the sessions that changed and those ready.
//
// It also bounds the ready entries one call reports (`most`): for each ready session the
// controller walks its list of all sessions and wakes an idle worker or starts a thread, so
// an unbounded round at 20,000 sessions started a burst of hundreds of threads. Entries left
// out stay ready in the kernel; epoll serves its ready list in turn, so they come with a
// later call. The wake-up pipe is one entry like the others. And it hands out no more than a
// WorkerBudget allows (milter_worker_budget.hpp): at the budget it waits on the entries that
// are not sessions (the wake-up pipe: a session is back) instead.
//
// Invariants: only one thread calls poll(). `identity(fd)` is 0 for a descriptor that is not
// an MTA session, and otherwise a number unique to the connection behind it: when a session
// closes and accept() reuses its number, the kernel has dropped the old registration with the
// old file, which only a changed identity tells apart from a registration still in place.
// `identity` and `parked` are called for sessions out on workers too, which may be closing
// them: they must be safe to call then.
// The table grows with the largest descriptor seen (a few bytes each, controller only).
#pragma once

#include <poll.h>
#include <sys/epoll.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "app/enma/milter_worker_budget.hpp"

namespace enma::app {

class ControllerPoll {
public:
    using RealPoll = int (*)(pollfd* fds, nfds_t count, int timeout);
    using Identity = std::function<std::uint64_t(int fd)>;
    using Parked = std::function<bool(int fd)>;
    using Clock = std::function<std::int64_t()>;  // milliseconds, monotonic

    // At the budget, the wait for a session to come back is at most this long before the
    // budget is counted again: a worker that parks (end of message) frees its place silently.
    static constexpr int kRecountMs = 5;

    ControllerPoll(RealPoll real_poll, Identity identity, Parked parked, WorkerBudget budget,
                   Clock clock);
    ~ControllerPoll();
    ControllerPoll(const ControllerPoll&) = delete;
    ControllerPoll& operator=(const ControllerPoll&) = delete;

    // poll - poll(2) semantics over `fds`, with at most `most` entries reported ready.
    // Without an epoll instance (it could not be made) the real poll answers, unbounded.
    int poll(pollfd* fds, nfds_t count, int timeout, int most);

private:
    struct Entry {
        std::uint64_t m_seen = 0;      // the call that last had it in its set
        std::uint64_t m_identity = 0;  // identity() when registered
        std::uint32_t m_index = 0;     // its index in the call that last had it
        std::uint32_t m_events = 0;    // the epoll events registered; 0: not registered
    };

    void register_set(pollfd* fds, nfds_t count);
    bool watch(int fd, Entry& entry, std::uint32_t events, std::uint64_t identity);
    void drop_absent();
    int report(pollfd* fds, int ready_events, std::int64_t now_ms);
    bool back(int fd, std::uint64_t identity) const;
    int wait_for_pipe(pollfd* fds, nfds_t count, int timeout);

    int m_epoll = -1;
    std::uint64_t m_call = 0;
    std::vector<Entry> m_entries;  // by descriptor
    std::vector<int> m_watched;    // descriptors registered now
    std::vector<epoll_event> m_events;
    std::vector<pollfd> m_pipe_set;    // the entries that are not sessions
    std::vector<nfds_t> m_pipe_index;  // their indexes in the caller's set
    RealPoll m_real_poll;
    Identity m_identity;
    Parked m_parked;
    WorkerBudget m_budget;
    Clock m_clock;
};

}  // namespace enma::app
