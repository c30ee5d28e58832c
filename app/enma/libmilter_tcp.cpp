// libmilter_tcp.cpp - libmilter's MTA connections without stalls and with fewer system calls.
//
// 1. No Nagle / delayed-ACK stalls. The milter protocol is a ping-pong of small packets, many
// of which get no reply: with the SMFIP_NR_* steps an MTA sends HELO, MAIL, every HEADER, EOH
// and BODY back to back, and at end of message libmilter writes each modification and then
// the final reply separately. On TCP that meets two kernel habits:
//   - Nagle: a small write waits while an earlier small segment is still unacknowledged;
//   - delayed ACK: a receiver in "interactive" (ping-pong) mode holds its ACK for up to
//     40 ms, hoping to piggyback it on a reply that, for a no-reply step, never comes.
// Together they stall one write per exchange for ~40 ms in each direction; an MTA with an
// ordinary socket (neither TCP_NODELAY nor TCP_QUICKACK) then gets ~23 messages/s per
// connection from a stock libmilter filter. The fix has to be on our side of the socket:
//   - accept(): every connection gets TCP_NODELAY, so our own small writes (the end-of-
//     message replies) leave at once instead of waiting for the MTA's ACK;
//   - read(): after each read from the socket, TCP_QUICKACK is set again. Linux clears it
//     whenever it re-enters ping-pong mode, so it must be re-armed; setting it also sends an
//     ACK that is pending right now, which releases the MTA's next Nagle-held write.
// 2. Fewer system calls (milter_read_ahead.hpp, milter_write_batch.hpp): libmilter's three
// polls and two reads per packet become one read per burst of packets, and the end-of-message
// writes one segment.
// 3. Fewer thread switches: the worker pool's readiness check waits a little longer
// (LingerGate::kLingerMs) before handing an idle session back to the pool's controller
// thread, for sessions whose MTA speaks quickly (milter_linger.hpp: not for slow clients).
// 4. A prompt stop: the accept loop's poll is shortened (kListenerPollShortMs).
// 5. Bounded threads in a flood of new connections: the listener pauses after each accept
// while more than kFloodOpen are open or connections arrive back to back (pause_listener);
// and at most kMostOut sessions are busy on workers at once (milter_worker_budget.hpp).
//
// enma links the static libmilter.a with -Wl,--wrap= for accept, read, poll, close and writev
// (app/CMakeLists.txt), so libmilter's calls land in the __wrap_ functions below
// (libmilter_sigwait.cpp does the same for sigwait). --wrap also catches these calls in
// enma's own objects (the scheduler's eventfd, files): descriptors that accept() did not
// return pass straight through. errno is kept as the real call left it: libmilter reads it.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <ctime>

#include "app/enma/milter_controller_poll.hpp"
#include "app/enma/milter_linger.hpp"
#include "app/enma/milter_read_ahead.hpp"
#include "app/enma/milter_write_batch.hpp"

extern "C" ssize_t __real_read(int fd, void* buffer, size_t size);
extern "C" int __real_poll(pollfd* fds, nfds_t count, int timeout);
extern "C" int __real_close(int fd);
extern "C" ssize_t __real_writev(int fd, const iovec* vector, int count);

namespace {

using enma::app::LingerGate;
using enma::app::MilterReadAhead;

// read_ahead - the one table of adopted connections. libmilter's C calls carry no context,
// so, like g_service in milter_bridge.cpp, it is reachable only statically. It is sized once,
// by the descriptor limit at the first call (a descriptor above it is read unbuffered), and
// never destroyed: close() may still be called by other threads while the process exits.
MilterReadAhead& read_ahead() {
    static MilterReadAhead* const table = new MilterReadAhead(
        [] {
            rlimit limit{};
            const rlim_t most = 1 << 20;
            if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
                return static_cast<size_t>(most);
            return static_cast<size_t>(std::min(limit.rlim_cur, most));
        }(),
        &__real_read);
    return *table;
}

// The worker pool of Debian's libmilter (engine.c, _FFR_WORKERS_POOL) asks, after every
// command, whether the next one is already there: poll(fd, 1, MI_RD_CMD_TO = 1 ms). If not,
// the session goes back to the pool: the worker wakes the controller thread through a pipe,
// the controller rebuilds its poll set of every idle connection, and when the MTA's next
// command arrives it wakes a worker again - three thread switches where one would do. An
// MTA's next command often takes more than 1 ms: behind Postfix, every SMTP command of the
// client is one. LingerGate::kLingerMs keeps the session on its worker that much longer;
// behind a real Postfix that cut enma's CPU per message by about a third
// (docs/benchmarks.md). The gate grants it only to sessions that speak quickly, to a few
// workers at a time, so thousands of slow sessions do not each hold a thread
// (milter_linger.hpp).
constexpr int kPoolReadyCheckMs = 1;

// linger_gate - like read_ahead(), reachable only statically; never destroyed.
LingerGate& linger_gate() {
    static LingerGate* const gate = new LingerGate();
    return *gate;
}

// now_ms - the monotonic clock, for the sessions' pace.
std::int64_t now_ms() {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<std::int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

// readiness_check - the pool's readiness check: 10 ms when the gate grants it; a check that finds
// nothing marks the session slow (milter_linger.hpp).
int readiness_check(pollfd* fds, nfds_t count, int timeout) {
    LingerGate::Session* session = read_ahead().session(fds[0].fd);
    if (session == nullptr)
        return __real_poll(fds, count, timeout);
    LingerGate& gate = linger_gate();
    const bool linger = gate.try_enter(*session);
    // A slow session's next command is seconds away: no wait at all (libmilter's 1 ms
    // would hold a thread per command).
    const int wait = linger ? LingerGate::kLingerMs : session->m_slow ? 0 : timeout;
    const int ready = __real_poll(fds, count, wait);
    const int saved_errno = errno;
    if (linger)
        gate.leave();
    if (ready == 0)
        LingerGate::handed_back(*session, now_ms());
    errno = saved_errno;
    return ready;
}

// libmilter's pool controller polls every idle session for POLL_TIMEOUT = 10 s at a time,
// through an epoll set that changes only by the sessions that came and went, and sees at
// most kMostReadyPerPoll ready sessions per poll (milter_controller_poll.hpp). At most
// kMostOut sessions are busy on workers at once, not counting those out for over kStuckMs
// and those parked at end of message (milter_worker_budget.hpp).
constexpr int kControllerPollMs = 10000;
constexpr int kMostReadyPerPoll = 32;
constexpr std::size_t kMostOut = 32;
constexpr std::int64_t kStuckMs = 1000;

// controller - like read_ahead(), reachable only statically; never destroyed.
enma::app::ControllerPoll& controller() {
    static enma::app::ControllerPoll* const poll = new enma::app::ControllerPoll(
        &__real_poll, [](int fd) { return read_ahead().identity(fd); },
        [](int fd) { return read_ahead().parked(fd); }, enma::app::WorkerBudget(kMostOut, kStuckMs),
        &now_ms);
    return *poll;
}

int controller_poll(pollfd* fds, nfds_t count, int timeout) {
    return controller().poll(fds, count, timeout, kMostReadyPerPoll);
}

// libmilter starts a session's first worker as soon as accept() returns, a new thread unless
// one is idle. In a flood of new connections (more than kFloodOpen open, or the previous one
// accepted less than kFloodPauseUs ago) the listener pauses kFloodPauseUs after each accept,
// so the worker started for the previous connection can finish its first check and be idle
// for the next one instead of a new thread each (issue 13: over 100 threads while 19,900
// connections opened; and, with only the count, 71 threads for the first 64 connections a
// load generator opened at once). Behind Postfix a pause is rare: it opens a connection per
// SMTP session, and a new session's first reply waits 1 ms at most.
constexpr unsigned long kFloodOpen = 256;
constexpr long kFloodPauseUs = 1000;

std::int64_t now_us() {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<std::int64_t>(now.tv_sec) * 1000000 + now.tv_nsec / 1000;
}

// flood - called after each accept (the listener thread only).
bool flood(unsigned long open) {
    static std::int64_t last_us = 0;
    const std::int64_t now = now_us();
    const bool close_behind = now - last_us < kFloodPauseUs;
    last_us = now;
    return open > kFloodOpen || close_behind;
}

void pause_listener() {
    const int saved_errno = errno;
    timespec pause{0, kFloodPauseUs * 1000};
    nanosleep(&pause, nullptr);
    errno = saved_errno;
}

// t_session_fd - the adopted connection this thread (a libmilter worker) last read: the
// session whose callback it runs.
thread_local int t_session_fd = -1;

// What the wraps saw, for the start-time check in milter_bridge.cpp (enma_wrap_traffic):
// if libmilter stopped calling these by name, or changed its timings, they stay at zero.
std::atomic<unsigned long> g_adopted{0};      // connections accept() returned
std::atomic<unsigned long> g_reads{0};        // reads of adopted connections
std::atomic<unsigned long> g_pool_checks{0};  // the worker pool's 1 ms readiness polls

// libmilter's accept loop (listener.c) polls the listening socket for 5 s at a time and looks
// at smfi_stop() only between polls, so a stop request waited up to 5 s before the drain even
// began. Half a second is plenty for an idle listener and a prompt stop.
constexpr int kListenerPollMs = 5000;
constexpr int kListenerPollShortMs = 500;

// set_tcp_option - best effort: a failure only means the stall fix is missing.
void set_tcp_option(int fd, int option) {
    const int saved_errno = errno;
    const int on = 1;
    setsockopt(fd, IPPROTO_TCP, option, &on, sizeof on);
    errno = saved_errno;
}

// is_tcp - from the peer address accept() filled in; getsockname() only if it gave none.
bool is_tcp(int fd, const sockaddr* peer) {
    sa_family_t family = AF_UNSPEC;
    if (peer != nullptr) {
        family = peer->sa_family;
    } else {
        const int saved_errno = errno;
        sockaddr_storage address{};
        socklen_t length = sizeof address;
        if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0)
            family = address.ss_family;
        errno = saved_errno;
    }
    return family == AF_INET || family == AF_INET6;
}

}  // namespace

// __wrap_accept - libmilter's accept(); the connection is adopted, TCP ones get TCP_NODELAY.
extern "C" int __wrap_accept(int listener, sockaddr* address, socklen_t* length) {
    // accept4: close-on-exec, so that a program enma starts (report.sendmail) holds no MTA
    // connection open after enma closes it.
    const int fd = accept4(listener, address, length, SOCK_CLOEXEC);
    if (fd >= 0) {
        const bool tcp = is_tcp(fd, address);
        if (tcp)
            set_tcp_option(fd, TCP_NODELAY);
        read_ahead().adopt(fd, tcp);
        g_adopted.fetch_add(1, std::memory_order_relaxed);
        if (flood(read_ahead().open()))
            pause_listener();
    }
    return fd;
}

// enma_wrap_traffic - the counters above (declared weak in milter_bridge.cpp, so that a build
// without this file, enma-no-tcp-fix, links and skips the check).
extern "C" void enma_wrap_traffic(unsigned long* adopted, unsigned long* reads,
                                  unsigned long* pool_checks) {
    *adopted = g_adopted.load(std::memory_order_relaxed);
    *reads = g_reads.load(std::memory_order_relaxed);
    *pool_checks = g_pool_checks.load(std::memory_order_relaxed);
}

// enma_worker_parked - the worker's session (the adopted connection it last read) waits for its
// message's lookups, or no longer (declared weak in milter_connection.cpp, like
// enma_wrap_traffic).
extern "C" void enma_worker_parked(int parked) {
    read_ahead().set_parked(t_session_fd, parked != 0);
}

// __wrap_read - served from the read-ahead; TCP_QUICKACK re-armed after each real read.
extern "C" ssize_t __wrap_read(int fd, void* buffer, size_t size) {
    MilterReadAhead& table = read_ahead();
    bool real = false;
    const ssize_t result = table.read(fd, buffer, size, real);
    if (table.adopted(fd)) {
        g_reads.fetch_add(1, std::memory_order_relaxed);
        t_session_fd = fd;
    }
    if (!real || result <= 0)
        return result;
    if (table.tcp(fd))
        set_tcp_option(fd, TCP_QUICKACK);
    if (LingerGate::Session* session = table.session(fd); session != nullptr && session->m_slow)
        LingerGate::spoke(*session, now_ms());
    return result;
}

// __wrap_poll - a connection with read-ahead bytes is readable now: no system call. The
// others in the set are reported idle this time (poll may report any subset of the ready).
extern "C" int __wrap_poll(pollfd* fds, nfds_t count, int timeout) {
    const MilterReadAhead& table = read_ahead();
    const bool pool_check = count == 1 && timeout == kPoolReadyCheckMs && fds[0].events == POLLIN;
    if (pool_check)
        g_pool_checks.fetch_add(1, std::memory_order_relaxed);
    if (pool_check && !table.has_buffered(fds[0].fd))
        return readiness_check(fds, count, timeout);
    if (count == 1 && timeout == kListenerPollMs && !table.adopted(fds[0].fd))
        return __real_poll(fds, count, kListenerPollShortMs);
    int ready = 0;
    for (nfds_t i = 0; i < count; ++i)
        if ((fds[i].events & POLLIN) != 0 && table.has_buffered(fds[i].fd))
            ++ready;
    if (ready == 0 && count > 1 && timeout == kControllerPollMs)
        return controller_poll(fds, count, timeout);
    if (ready == 0)
        return __real_poll(fds, count, timeout);
    for (nfds_t i = 0; i < count; ++i)
        fds[i].revents =
            (fds[i].events & POLLIN) != 0 && table.has_buffered(fds[i].fd) ? POLLIN : 0;
    return ready;
}

// __wrap_close - the slot is dropped first: once closed, the number may be accepted again.
extern "C" int __wrap_close(int fd) {
    read_ahead().forget(fd);
    return __real_close(fd);
}

// __wrap_writev - inside a WriteBatch, writes to MTA connections go with MSG_MORE.
extern "C" ssize_t __wrap_writev(int fd, const iovec* vector, int count) {
    if (!enma::app::WriteBatch::active() || !read_ahead().tcp(fd))
        return __real_writev(fd, vector, count);
    msghdr message{};
    message.msg_iov = const_cast<iovec*>(vector);
    message.msg_iovlen = static_cast<size_t>(count);
    return sendmsg(fd, &message, MSG_MORE);
}
