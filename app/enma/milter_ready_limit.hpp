// milter_ready_limit.hpp - how many ready sessions one poll of libmilter's pool controller sees.
//
// Debian's libmilter (worker.c) polls every idle session in one poll(), then, for each ready
// one, walks its list of all sessions to find it and wakes an idle worker or starts a new
// thread. With thousands of open sessions each round is slow (the list walk is per ready
// session), so more sessions become ready during it, and the next round starts a thread for
// each of them: at 19,900 slow connections, bursts of 600 threads (issue 13). Reporting at
// most `most` ready sessions per poll bounds the threads one round can start; the others stay
// ready in the kernel and are reported by the next poll. The next poll's window starts after
// the last session handed over, so the sessions late in the poll set are not starved.
//
// Invariant: entries that are not MTA sessions (the controller's wake-up pipe, first in its
// set) keep their revents; the result is the number of entries left with revents.
#pragma once

#include <poll.h>

#include <cstddef>

namespace enma::app {

// limit_ready - clear the revents of all but `most` of the ready sessions (entries for which
// `is_session(fd)` is true), taken in set order from index `cursor` on, wrapping around;
// `cursor` moves past the last one kept. Returns the entries left ready.
template <typename IsSession>
int limit_ready(pollfd* fds, nfds_t count, int most, std::size_t& cursor, IsSession is_session) {
    if (count == 0)
        return 0;
    const std::size_t from = cursor % count;
    int kept = 0;
    int left = 0;
    for (std::size_t step = 0; step < count; ++step) {
        const std::size_t i = (from + step) % count;
        if (fds[i].revents == 0)
            continue;
        if (is_session(fds[i].fd)) {
            if (kept == most) {
                fds[i].revents = 0;
                continue;
            }
            ++kept;
            cursor = i + 1;
        }
        ++left;
    }
    return left;
}

}  // namespace enma::app
