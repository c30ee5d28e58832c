// smtp_connection.cpp - getaddrinfo, non-blocking connect, poll-bounded reads and writes.
#include "app/report/smtp_connection.hpp"

#include <netdb.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace enma::report {

namespace {

using Clock = std::chrono::steady_clock;

std::string system_error(std::string_view what, int error) {
    return std::string(what) + ": " + std::strerror(error);
}

struct AddrinfoFree {
    void operator()(addrinfo* list) const { ::freeaddrinfo(list); }
};

}  // namespace

SmtpConnection::~SmtpConnection() {
    close();
}

void SmtpConnection::close() {
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
}

std::string SmtpConnection::connect(const std::string& host, std::uint16_t port,
                                    std::chrono::milliseconds timeout) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const int status = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
    if (status != 0)
        return "cannot resolve " + host + ": " + ::gai_strerror(status);
    const std::unique_ptr<addrinfo, AddrinfoFree> list(found);
    std::string error = "no address for " + host;
    for (const addrinfo* each = list.get(); each != nullptr; each = each->ai_next) {
        m_fd = ::socket(each->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (m_fd < 0) {
            error = system_error("socket", errno);
            continue;
        }
        error = connect_one(each->ai_addr, each->ai_addrlen, timeout);
        if (error.empty())
            return "";
        close();
    }
    return error;
}

std::string SmtpConnection::connect_one(const sockaddr* address, socklen_t length,
                                        std::chrono::milliseconds timeout) {
    if (::connect(m_fd, address, length) == 0)
        return "";
    if (errno != EINPROGRESS)
        return system_error("connect", errno);
    if (auto error = wait(POLLOUT, Clock::now() + timeout); !error.empty())
        return "connect: " + error;
    int failure = 0;
    socklen_t size = sizeof failure;
    if (::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &failure, &size) != 0)
        return system_error("connect", errno);
    return failure == 0 ? "" : system_error("connect", failure);
}

std::string SmtpConnection::wait(short events, Clock::time_point deadline) const {
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0)
            return "timed out";
        pollfd descriptor{m_fd, events, 0};
        const int ready = ::poll(&descriptor, 1, static_cast<int>(left.count()) + 1);
        if (ready > 0)
            return "";
        if (ready < 0 && errno != EINTR)
            return system_error("poll", errno);
    }
}

std::string SmtpConnection::send(std::string_view data, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (!data.empty()) {
        const ssize_t sent = ::send(m_fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (sent > 0) {
            data.remove_prefix(static_cast<std::size_t>(sent));
            continue;
        }
        if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return system_error("send", errno);
        if (auto error = wait(POLLOUT, deadline); !error.empty())
            return "send: " + error;
    }
    return "";
}

std::string SmtpConnection::read_reply(SmtpReply& reply, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        auto parse = parse_smtp_reply(m_buffer);
        if (parse.m_status == ReplyStatus::malformed)
            return "malformed reply: " + parse.m_error;
        if (parse.m_status == ReplyStatus::complete) {
            reply = std::move(parse.m_reply);
            m_buffer.erase(0, parse.m_consumed);
            return "";
        }
        char chunk[4096];
        const ssize_t got = ::recv(m_fd, chunk, sizeof chunk, 0);
        if (got > 0) {
            m_buffer.append(chunk, static_cast<std::size_t>(got));
            continue;
        }
        if (got == 0)
            return "connection closed by the relay";
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return system_error("recv", errno);
        if (auto error = wait(POLLIN, deadline); !error.empty())
            return "waiting for a reply: " + error;
    }
}

}  // namespace enma::report
