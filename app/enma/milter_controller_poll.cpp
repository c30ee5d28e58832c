// milter_controller_poll.cpp - the pool controller's poll over an epoll set.
#include "app/enma/milter_controller_poll.hpp"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace enma::app {

namespace {

std::uint32_t to_epoll(short events) {
    std::uint32_t out = 0;
    if ((events & POLLIN) != 0)
        out |= EPOLLIN;
    if ((events & POLLPRI) != 0)
        out |= EPOLLPRI;
    if ((events & POLLOUT) != 0)
        out |= EPOLLOUT;
    return out;
}

// to_poll - what poll() would report for these epoll events, given what was asked.
short to_poll(std::uint32_t events, short asked) {
    short out = 0;
    if ((events & EPOLLIN) != 0)
        out |= POLLIN;
    if ((events & EPOLLPRI) != 0)
        out |= POLLPRI;
    if ((events & EPOLLOUT) != 0)
        out |= POLLOUT;
    out &= asked;
    if ((events & EPOLLERR) != 0)
        out |= POLLERR;
    if ((events & EPOLLHUP) != 0)
        out |= POLLHUP;
    return out;
}

}  // namespace

ControllerPoll::ControllerPoll(RealPoll real_poll, Identity identity, Parked parked,
                               WorkerBudget budget, Clock clock)
    : m_epoll(epoll_create1(EPOLL_CLOEXEC)),
      m_real_poll(real_poll),
      m_identity(std::move(identity)),
      m_parked(std::move(parked)),
      m_budget(std::move(budget)),
      m_clock(std::move(clock)) {}

ControllerPoll::~ControllerPoll() {
    if (m_epoll >= 0)
        ::close(m_epoll);
}

int ControllerPoll::poll(pollfd* fds, nfds_t count, int timeout, int most) {
    if (m_epoll < 0)
        return m_real_poll(fds, count, timeout);
    ++m_call;
    register_set(fds, count);
    drop_absent();
    // A descriptor epoll refused (closed under us: EBADF) is reported POLLNVAL, at once.
    int invalid = 0;
    for (nfds_t i = 0; i < count; ++i)
        invalid += fds[i].revents != 0;
    const std::int64_t now = m_clock();
    const std::size_t budget = m_budget.available(
        now, [this](int fd, std::uint64_t id) { return back(fd, id); }, m_parked);
    if (budget == 0 && invalid == 0) {
        const int wait = static_cast<int>(std::min<std::int64_t>(
            kRecountMs, std::max<std::int64_t>(1, m_budget.until_free_ms(now))));
        return wait_for_pipe(fds, count, timeout < 0 ? wait : std::min(timeout, wait));
    }
    // At most `most` events, each one taken reported: epoll's ready list, which puts an entry
    // taken and still ready at its end, then serves every ready session in turn. (Taking more
    // and skipping the extra ones sent the same ones to the end each time: starved.)
    const std::size_t wanted =
        std::min(static_cast<std::size_t>(std::max(most, 1)), std::max<std::size_t>(budget, 1));
    m_events.resize(wanted);
    const int ready =
        epoll_wait(m_epoll, m_events.data(), static_cast<int>(wanted), invalid > 0 ? 0 : timeout);
    if (ready < 0)
        return invalid > 0 ? invalid : -1;
    return invalid + report(fds, ready, now);
}

// back - the session handed out as `identity` is in this call's set again, or closed.
bool ControllerPoll::back(int fd, std::uint64_t identity) const {
    if (fd >= 0 && static_cast<std::size_t>(fd) < m_entries.size()) {
        const Entry& entry = m_entries[static_cast<std::size_t>(fd)];
        if (entry.m_seen == m_call && entry.m_identity == identity)
            return true;
    }
    return m_identity(fd) != identity;
}

// wait_for_pipe - the workers have all the sessions they may: wait on the other entries only.
int ControllerPoll::wait_for_pipe(pollfd* fds, nfds_t count, int timeout) {
    m_pipe_set.clear();
    m_pipe_index.clear();
    for (nfds_t i = 0; i < count; ++i)
        if (fds[i].fd >= 0 && m_entries[static_cast<std::size_t>(fds[i].fd)].m_identity == 0) {
            m_pipe_set.push_back({fds[i].fd, fds[i].events, 0});
            m_pipe_index.push_back(i);
        }
    const int ready = m_real_poll(m_pipe_set.data(), m_pipe_set.size(), timeout);
    for (std::size_t j = 0; ready > 0 && j < m_pipe_index.size(); ++j)
        fds[m_pipe_index[j]].revents = m_pipe_set[j].revents;
    return ready;
}

// register_set - every entry of this call's set registered as asked; revents cleared.
void ControllerPoll::register_set(pollfd* fds, nfds_t count) {
    for (nfds_t i = 0; i < count; ++i) {
        fds[i].revents = 0;
        const int fd = fds[i].fd;
        if (fd < 0)
            continue;  // poll() ignores negative descriptors
        if (static_cast<std::size_t>(fd) >= m_entries.size())
            m_entries.resize(std::max(static_cast<std::size_t>(fd) + 1, m_entries.size() * 2));
        Entry& entry = m_entries[static_cast<std::size_t>(fd)];
        entry.m_seen = m_call;
        entry.m_index = static_cast<std::uint32_t>(i);
        const std::uint32_t wanted = to_epoll(fds[i].events);
        const std::uint64_t identity = m_identity(fd);
        if (entry.m_events != wanted || entry.m_identity != identity)
            if (!watch(fd, entry, wanted, identity))
                fds[i].revents = POLLNVAL;
    }
}

// watch - register `fd` (again). A new identity means a new file under the number: the old
// registration left with the old file, so ADD; otherwise MOD. Each falls back to the other.
bool ControllerPoll::watch(int fd, Entry& entry, std::uint32_t events, std::uint64_t identity) {
    const bool fresh = entry.m_events == 0 || entry.m_identity != identity;
    epoll_event event{};
    event.events = events;
    event.data.fd = fd;
    int result = epoll_ctl(m_epoll, fresh ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &event);
    if (result != 0 && (errno == EEXIST || errno == ENOENT))
        result = epoll_ctl(m_epoll, fresh ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &event);
    if (result != 0) {
        entry.m_events = 0;
        return false;
    }
    if (entry.m_events == 0)
        m_watched.push_back(fd);
    entry.m_events = events;
    entry.m_identity = identity;
    return true;
}

// drop_absent - descriptors registered before but not in this call's set (a session handed to
// a worker, or closed) are removed, so that their readiness does not wake this poll.
void ControllerPoll::drop_absent() {
    for (std::size_t i = 0; i < m_watched.size();) {
        const int fd = m_watched[i];
        Entry& entry = m_entries[static_cast<std::size_t>(fd)];
        if (entry.m_seen == m_call && entry.m_events != 0) {
            ++i;
            continue;
        }
        if (entry.m_events != 0)
            epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);  // ENOENT/EBADF: already gone
        entry.m_events = 0;
        m_watched[i] = m_watched.back();
        m_watched.pop_back();
    }
}

// report - the revents of the entries epoll found ready; the sessions among them go out.
int ControllerPoll::report(pollfd* fds, int ready_events, std::int64_t now_ms) {
    int reported = 0;
    for (int i = 0; i < ready_events; ++i) {
        const int fd = m_events[static_cast<std::size_t>(i)].data.fd;
        if (fd < 0 || static_cast<std::size_t>(fd) >= m_entries.size())
            continue;
        const Entry& entry = m_entries[static_cast<std::size_t>(fd)];
        if (entry.m_seen != m_call)
            continue;
        pollfd& slot = fds[entry.m_index];
        slot.revents = to_poll(m_events[static_cast<std::size_t>(i)].events, slot.events);
        if (slot.revents == 0)
            continue;
        ++reported;
        if (entry.m_identity != 0)
            m_budget.handed(fd, entry.m_identity, now_ms);
    }
    return reported;
}

}  // namespace enma::app
