// app_milter_controller_poll_test.cpp - ControllerPoll answers libmilter's pool controller like
// poll(2) from an epoll set: the ready sessions and no others, at most `most` entries, every
// ready one in turn, none that left the set, a reused descriptor number with a new identity
// registered again, POLLNVAL for a closed one, and no more sessions out on workers than the
// budget allows (issue 13, S5-20k).
#include <doctest/doctest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "app/enma/milter_controller_poll.hpp"

using enma::app::ControllerPoll;

namespace {

// Sessions - socket pairs: `ours` in the set, `peer` the MTA's end; plus a pipe (identity 0).
struct Sessions {
    std::vector<int> ours;
    std::vector<int> peers;
    int pipe_read = -1;
    int pipe_write = -1;
    std::map<int, std::uint64_t> identities;
    std::set<int> parked;
    std::uint64_t next = 1;
    std::int64_t now = 0;

    explicit Sessions(int count) {
        int ends[2];
        REQUIRE(pipe(ends) == 0);
        pipe_read = ends[0];
        pipe_write = ends[1];
        for (int i = 0; i < count; ++i)
            open_one();
    }
    ~Sessions() {
        for (int fd : ours)
            close(fd);
        for (int fd : peers)
            close(fd);
        close(pipe_read);
        close(pipe_write);
    }
    void open_one() {
        int pair[2];
        REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
        ours.push_back(pair[0]);
        peers.push_back(pair[1]);
        identities[pair[0]] = next++;
    }
    ControllerPoll make(std::size_t most_out = 1000) {
        return ControllerPoll(
            &::poll,
            [this](int fd) {
                auto found = identities.find(fd);
                return found == identities.end() ? std::uint64_t{0} : found->second;
            },
            [this](int fd) { return parked.count(fd) == 1; },
            enma::app::WorkerBudget(most_out, 1000), [this] { return now; });
    }
    std::vector<pollfd> set() const {
        std::vector<pollfd> fds{{pipe_read, POLLIN, 0}};
        for (int fd : ours)
            fds.push_back({fd, POLLIN, 0});
        return fds;
    }
    void speak(std::size_t session) { REQUIRE(write(peers[session], "x", 1) == 1); }
};

std::set<int> ready(const std::vector<pollfd>& fds) {
    std::set<int> out;
    for (const pollfd& entry : fds)
        if (entry.revents != 0)
            out.insert(entry.fd);
    return out;
}

}  // namespace

TEST_CASE("only the sessions with bytes waiting are reported, with POLLIN") {
    Sessions sessions(6);
    ControllerPoll poll = sessions.make();
    auto fds = sessions.set();
    CHECK(poll.poll(fds.data(), fds.size(), 0, 32) == 0);
    CHECK(ready(fds).empty());
    sessions.speak(1);
    sessions.speak(4);
    CHECK(poll.poll(fds.data(), fds.size(), 1000, 32) == 2);
    CHECK(ready(fds) == std::set<int>{sessions.ours[1], sessions.ours[4]});
    CHECK(fds[2].revents == POLLIN);
}

TEST_CASE("at most `most` entries per call, every ready one in turn") {
    Sessions sessions(5);
    ControllerPoll poll = sessions.make();
    for (std::size_t i = 0; i < 5; ++i)
        sessions.speak(i);
    REQUIRE(write(sessions.pipe_write, "p", 1) == 1);
    std::set<int> seen;
    for (int call = 0; call < 4; ++call) {
        auto fds = sessions.set();
        const int count = poll.poll(fds.data(), fds.size(), 1000, 2);
        const std::set<int> got = ready(fds);
        CHECK(count == static_cast<int>(got.size()));
        CHECK(got.size() == 2);
        seen.insert(got.begin(), got.end());
    }
    CHECK(seen.count(sessions.pipe_read) == 1);
    for (int fd : sessions.ours)
        CHECK(seen.count(fd) == 1);
}

TEST_CASE("a session that left the set does not wake the poll") {
    Sessions sessions(3);
    ControllerPoll poll = sessions.make();
    auto all = sessions.set();
    CHECK(poll.poll(all.data(), all.size(), 0, 32) == 0);
    sessions.speak(0);
    std::vector<pollfd> without{all[0], all[2], all[3]};  // session 0 is on a worker
    CHECK(poll.poll(without.data(), without.size(), 0, 32) == 0);
    all = sessions.set();  // back from its worker: reported again
    CHECK(poll.poll(all.data(), all.size(), 0, 32) == 1);
    CHECK(all[1].revents == POLLIN);
}

TEST_CASE("a descriptor number reused by a new connection is registered again") {
    Sessions sessions(2);
    ControllerPoll poll = sessions.make();
    auto fds = sessions.set();
    CHECK(poll.poll(fds.data(), fds.size(), 0, 32) == 0);
    const int number = sessions.ours[0];
    // The session closes while the controller is not looking, and accept() reuses its number.
    close(sessions.ours[0]);
    close(sessions.peers[0]);
    sessions.ours.erase(sessions.ours.begin());
    sessions.peers.erase(sessions.peers.begin());
    sessions.open_one();
    REQUIRE(sessions.ours.back() == number);
    sessions.speak(sessions.ours.size() - 1);
    fds = sessions.set();
    CHECK(poll.poll(fds.data(), fds.size(), 1000, 32) == 1);
    CHECK(ready(fds) == std::set<int>{number});
}

TEST_CASE("a closed descriptor in the set is reported POLLNVAL at once") {
    Sessions sessions(2);
    ControllerPoll poll = sessions.make();
    const int gone = sessions.ours[1];
    close(gone);
    sessions.identities[gone] = 99;
    auto fds = sessions.set();
    CHECK(poll.poll(fds.data(), fds.size(), 10000, 32) == 1);
    CHECK(fds[2].revents == POLLNVAL);
    sessions.ours.pop_back();
}

TEST_CASE("no more sessions out on workers than the budget; parked, back or stuck ones free it") {
    Sessions sessions(4);
    ControllerPoll poll = sessions.make(2);
    for (std::size_t i = 0; i < 4; ++i)
        sessions.speak(i);
    auto fds = sessions.set();
    CHECK(poll.poll(fds.data(), fds.size(), 1000, 32) == 2);
    std::set<int> out = ready(fds);
    // libmilter polls again without the two it handed to workers: the budget is spent, so only
    // the pipe is waited on (briefly), although two sessions are ready.
    auto rest = [&] {
        std::vector<pollfd> left{{sessions.pipe_read, POLLIN, 0}};
        for (int fd : sessions.ours)
            if (out.count(fd) == 0)
                left.push_back({fd, POLLIN, 0});
        return left;
    };
    auto left = rest();
    CHECK(poll.poll(left.data(), left.size(), 1000, 32) == 0);
    REQUIRE(write(sessions.pipe_write, "p", 1) == 1);
    CHECK(poll.poll(left.data(), left.size(), 1000, 32) == 1);
    CHECK(ready(left) == std::set<int>{sessions.pipe_read});
    char drained = 0;
    REQUIRE(read(sessions.pipe_read, &drained, 1) == 1);
    // One of the two waits for its lookups: one more may go.
    sessions.parked.insert(*out.begin());
    left = rest();
    CHECK(poll.poll(left.data(), left.size(), 1000, 32) == 1);
    const std::set<int> third = ready(left);
    REQUIRE(third.size() == 1);
    out.insert(*third.begin());
    left = rest();
    CHECK(poll.poll(left.data(), left.size(), 1000, 32) == 0);
    // A second later the busy ones count as stuck: the last one goes.
    sessions.now += 1000;
    CHECK(poll.poll(left.data(), left.size(), 1000, 32) == 1);
}

TEST_CASE("sessions back in the set free the budget") {
    Sessions sessions(3);
    ControllerPoll poll = sessions.make(1);
    for (std::size_t i = 0; i < 3; ++i)
        sessions.speak(i);
    std::set<int> seen;
    for (int call = 0; call < 3; ++call) {
        auto fds = sessions.set();  // every session back from its worker each time
        CHECK(poll.poll(fds.data(), fds.size(), 1000, 32) == 1);
        const std::set<int> got = ready(fds);
        seen.insert(got.begin(), got.end());
    }
    CHECK(seen == std::set<int>(sessions.ours.begin(), sessions.ours.end()));
}
