// app_milter_read_ahead_test.cpp - MilterReadAhead over real sockets: the byte stream is the
// same whatever the read sizes, one real read serves a burst, poll readiness follows the
// buffer, EOF and errors pass through, and forgotten or foreign descriptors are untouched.
#include <doctest/doctest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "app/enma/milter_read_ahead.hpp"
#include "app/enma/milter_write_batch.hpp"

using enma::app::MilterReadAhead;
using enma::app::WriteBatch;

namespace {

// Pair - a connected socketpair; [0] plays libmilter's side, [1] the MTA's.
struct Pair {
    Pair() { REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, m_fd) == 0); }
    ~Pair() {
        for (int fd : m_fd)
            if (fd >= 0)
                ::close(fd);
    }
    void send(const std::string& bytes) const {
        REQUIRE(::write(m_fd[1], bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
    }
    int m_fd[2] = {-1, -1};
};

std::string read_string(MilterReadAhead& table, int fd, size_t size, bool& real) {
    std::string buffer(size, '\0');
    const ssize_t got = table.read(fd, buffer.data(), size, real);
    REQUIRE(got >= 0);
    buffer.resize(static_cast<size_t>(got));
    return buffer;
}

}  // namespace

TEST_CASE("a burst is fetched by one real read and handed out in the sizes asked for") {
    Pair pair;
    MilterReadAhead table(1024, &::read);
    table.adopt(pair.m_fd[0], false);
    // Two milter packets back to back: "\0\0\0\x01N" (5 bytes, no data) and 5 + 3 bytes.
    pair.send(std::string("\0\0\0\x01N\0\0\0\x04Habc", 13));
    bool real = false;
    CHECK(read_string(table, pair.m_fd[0], 5, real) == std::string("\0\0\0\x01N", 5));
    CHECK(real);
    CHECK(table.has_buffered(pair.m_fd[0]));
    CHECK(read_string(table, pair.m_fd[0], 5, real) == std::string("\0\0\0\x04H", 5));
    CHECK_FALSE(real);
    CHECK(read_string(table, pair.m_fd[0], 100, real) == "abc");
    CHECK_FALSE(real);
    CHECK_FALSE(table.has_buffered(pair.m_fd[0]));
}

TEST_CASE("the stream survives any read sizes, across several real reads") {
    Pair pair;
    MilterReadAhead table(1024, &::read);
    table.adopt(pair.m_fd[0], true);
    CHECK(table.tcp(pair.m_fd[0]));
    std::string sent;
    for (int i = 0; i < 5000; ++i)
        sent += static_cast<char>('a' + i % 26);
    std::string received;
    const std::vector<size_t> sizes = {1, 5, 7, 4096, 3, MilterReadAhead::kChunk, 2};
    size_t turn = 0;
    for (size_t offset = 0; offset < sent.size(); offset += 1000) {
        pair.send(sent.substr(offset, 1000));
        bool real = false;
        while (received.size() < offset + 1000)
            received += read_string(table, pair.m_fd[0], sizes[turn++ % sizes.size()], real);
    }
    CHECK(received == sent);
    CHECK_FALSE(table.has_buffered(pair.m_fd[0]));
}

TEST_CASE("a large read goes straight to the caller and keeps nothing") {
    Pair pair;
    MilterReadAhead table(1024, &::read);
    table.adopt(pair.m_fd[0], false);
    pair.send(std::string(100, 'x'));
    bool real = false;
    CHECK(read_string(table, pair.m_fd[0], MilterReadAhead::kChunk, real) == std::string(100, 'x'));
    CHECK(real);
    CHECK_FALSE(table.has_buffered(pair.m_fd[0]));
}

TEST_CASE("EOF is reported once the buffer is drained") {
    Pair pair;
    MilterReadAhead table(1024, &::read);
    table.adopt(pair.m_fd[0], false);
    pair.send("0123456789");
    ::close(pair.m_fd[1]);
    pair.m_fd[1] = -1;
    bool real = false;
    CHECK(read_string(table, pair.m_fd[0], 4, real) == "0123");
    CHECK(read_string(table, pair.m_fd[0], 100, real) == "456789");
    CHECK_FALSE(real);
    CHECK(read_string(table, pair.m_fd[0], 100, real) == "");
    CHECK(real);
}

TEST_CASE("an error of the real read is returned with its errno") {
    MilterReadAhead table(1024, &::read);
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    const int closed = fds[0];
    ::close(fds[0]);
    ::close(fds[1]);
    table.adopt(closed, false);
    char byte = 0;
    bool real = false;
    errno = 0;
    CHECK(table.read(closed, &byte, 1, real) == -1);
    CHECK(errno == EBADF);
    table.forget(closed);
}

TEST_CASE("forgotten, foreign and out-of-range descriptors are read unbuffered") {
    Pair pair;
    MilterReadAhead table(1024, &::read);
    table.adopt(pair.m_fd[0], false);
    pair.send("abcdef");
    bool real = false;
    CHECK(read_string(table, pair.m_fd[0], 2, real) == "ab");
    table.forget(pair.m_fd[0]);  // as close() does: the buffered rest belongs to a dead stream
    CHECK_FALSE(table.adopted(pair.m_fd[0]));
    CHECK_FALSE(table.has_buffered(pair.m_fd[0]));

    Pair other;
    other.send("xyz");
    CHECK(read_string(table, other.m_fd[0], 1, real) == "x");  // never adopted
    CHECK(real);
    CHECK_FALSE(table.has_buffered(other.m_fd[0]));
    CHECK(read_string(table, other.m_fd[0], 10, real) == "yz");

    MilterReadAhead tiny(1, &::read);  // every real descriptor is out of its range
    tiny.adopt(other.m_fd[0], true);
    CHECK_FALSE(tiny.adopted(other.m_fd[0]));
    CHECK_FALSE(tiny.tcp(-1));
}

TEST_CASE("WriteBatch marks its thread only while it lives") {
    CHECK_FALSE(WriteBatch::active());
    {
        const WriteBatch batch;
        CHECK(WriteBatch::active());
    }
    CHECK_FALSE(WriteBatch::active());
}

TEST_CASE("open() counts adopted descriptors only, once each") {
    MilterReadAhead table(64, &::read);
    table.adopt(5, true);
    table.adopt(6, false);
    table.adopt(6, false);   // a number adopted again (no close seen) is still one connection
    table.adopt(100, true);  // out of range: never adopted, never counted
    CHECK(table.open() == 2);
    table.forget(6);
    table.forget(6);
    table.forget(100);
    CHECK(table.open() == 1);
    table.forget(5);
    CHECK(table.open() == 0);
}
