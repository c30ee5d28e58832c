// smtp_connection.hpp - one TCP connection to an SMTP relay, blocking for its caller, with a
// deadline on every step: connecting, sending a command or the message, reading one reply.
//
// Meant for threads that may wait (the failure sender's own thread, enma-report), never a
// milter or scheduler thread. The socket is non-blocking underneath and every wait is a
// poll() bounded by the step's timeout, so a relay that stops answering costs at most that
// timeout per step, never a hang. Writes use MSG_NOSIGNAL: a relay that closes early is an
// error value, not a SIGPIPE. Errors are "" (none) or one line for the log.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "app/report/smtp_reply.hpp"

namespace enma::report {

class SmtpConnection {
public:
    SmtpConnection() = default;
    ~SmtpConnection();
    SmtpConnection(const SmtpConnection&) = delete;
    SmtpConnection& operator=(const SmtpConnection&) = delete;

    // connect - to `host` (an address or a name, through getaddrinfo) on `port`, trying each
    // address in turn, each within `timeout`.
    std::string connect(const std::string& host, std::uint16_t port,
                        std::chrono::milliseconds timeout);
    // send - all of `data` within `timeout`.
    std::string send(std::string_view data, std::chrono::milliseconds timeout);
    // read_reply - the next whole reply within `timeout`; a malformed one is an error.
    std::string read_reply(SmtpReply& reply, std::chrono::milliseconds timeout);

private:
    std::string connect_one(const sockaddr* address, socklen_t length,
                            std::chrono::milliseconds timeout);
    // wait - poll for `events` until `deadline`; "" when ready.
    std::string wait(short events, std::chrono::steady_clock::time_point deadline) const;
    void close();

    int m_fd = -1;
    std::string m_buffer;  // received octets not yet part of a reply (bounded by the parser)
};

}  // namespace enma::report
