// app_milter_ready_limit_test.cpp - limit_ready: the pool controller's poll hands over at most
// `most` ready sessions, never hides its wake-up pipe, and the next poll starts after the last
// session handed over (issue 13: bounded thread bursts without starving late sessions).
#include <doctest/doctest.h>

#include <vector>

#include "app/enma/milter_ready_limit.hpp"

using enma::app::limit_ready;

namespace {

// set - fd 100 plays the pipe; fds 0..n-1 the sessions, those in `ready` with POLLIN.
std::vector<pollfd> set(int n, const std::vector<int>& ready) {
    std::vector<pollfd> fds{{100, POLLIN, POLLIN}};
    for (int fd = 0; fd < n; ++fd)
        fds.push_back({fd, POLLIN, 0});
    for (int fd : ready)
        fds[static_cast<size_t>(fd) + 1].revents = POLLIN;
    return fds;
}

std::vector<int> left(const std::vector<pollfd>& fds) {
    std::vector<int> out;
    for (const pollfd& entry : fds)
        if (entry.revents != 0)
            out.push_back(entry.fd);
    return out;
}

bool is_session(int fd) {
    return fd < 100;
}

}  // namespace

TEST_CASE("few ready sessions are all handed over") {
    auto fds = set(6, {1, 4});
    std::size_t cursor = 0;
    CHECK(limit_ready(fds.data(), fds.size(), 3, cursor, is_session) == 3);
    CHECK(left(fds) == std::vector<int>{100, 1, 4});
    CHECK(cursor == 6);  // past fd 4's entry (index 5)
}

TEST_CASE("at most `most` sessions, the pipe always, then the next ones in turn") {
    auto fds = set(8, {0, 1, 2, 3, 5, 7});
    std::size_t cursor = 0;
    CHECK(limit_ready(fds.data(), fds.size(), 2, cursor, is_session) == 3);
    CHECK(left(fds) == std::vector<int>{100, 0, 1});
    CHECK(cursor == 3);          // past fd 1's entry (index 2)
    fds = set(8, {2, 3, 5, 7});  // the kernel reports the rest again
    fds[0].revents = 0;          // pipe quiet this time
    CHECK(limit_ready(fds.data(), fds.size(), 2, cursor, is_session) == 2);
    CHECK(left(fds) == std::vector<int>{2, 3});
    fds = set(8, {0, 5, 7});  // fd 0 ready again, but 5 and 7 have waited longer
    CHECK(limit_ready(fds.data(), fds.size(), 2, cursor, is_session) == 3);
    CHECK(left(fds) == std::vector<int>{100, 5, 7});
    CHECK(cursor == 9);
    fds = set(8, {0, 5});  // wraps around
    CHECK(limit_ready(fds.data(), fds.size(), 1, cursor, is_session) == 2);
    CHECK(left(fds) == std::vector<int>{100, 0});
}
