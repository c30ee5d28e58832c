// smtp_script_server.cpp - one accept, then line by line until QUIT or the client closes.
#include "tests/support/smtp_script_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace enma::testing {

namespace {

void send_text(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t sent = ::send(fd, text.data() + done, text.size() - done, MSG_NOSIGNAL);
        if (sent <= 0)
            return;
        done += static_cast<std::size_t>(sent);
    }
}

// read_line - up to and including "\n"; "" when the client closed.
std::string read_line(int fd) {
    std::string line;
    char c = 0;
    while (::recv(fd, &c, 1, 0) == 1) {
        line += c;
        if (c == '\n')
            break;
    }
    return line;
}

}  // namespace

SmtpScriptServer::SmtpScriptServer(std::string greeting, std::vector<Rule> rules)
    : m_greeting(std::move(greeting)), m_rules(std::move(rules)) {
    m_listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (m_listener < 0 || ::bind(m_listener, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
        ::listen(m_listener, 1) != 0 ||
        ::getsockname(m_listener, reinterpret_cast<sockaddr*>(&address), &size) != 0)
        throw std::runtime_error("SmtpScriptServer: cannot listen on 127.0.0.1");
    m_port = ntohs(address.sin_port);
    m_thread = std::thread([this] { serve(); });
}

SmtpScriptServer::~SmtpScriptServer() {
    if (m_thread.joinable())
        m_thread.join();
    ::close(m_listener);
}

const std::string& SmtpScriptServer::transcript() {
    if (m_thread.joinable())
        m_thread.join();
    return m_transcript;
}

void SmtpScriptServer::serve() {
    pollfd waiting{m_listener, POLLIN, 0};
    if (::poll(&waiting, 1, 10000) != 1)
        return;
    const int fd = ::accept4(m_listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    session(fd);
    ::close(fd);
}

void SmtpScriptServer::session(int fd) {
    if (m_greeting != kHang)
        send_text(fd, m_greeting);
    bool in_data = false;
    for (;;) {
        const std::string line = read_line(fd);
        if (line.empty())
            return;
        m_transcript += line;
        if (in_data && line != ".\r\n")
            continue;
        if (!answer(fd, line, in_data))
            return;
    }
}

bool SmtpScriptServer::answer(int fd, const std::string& line, bool& in_data) {
    std::string reply = "500 unknown\r\n";
    for (const auto& [command, text] : m_rules) {
        if (line.starts_with(command)) {
            reply = text;
            break;
        }
    }
    if (reply == kClose)
        return false;
    if (reply != kHang)
        send_text(fd, reply);
    in_data = !in_data && line.starts_with("DATA") && reply.starts_with("354");
    return !line.starts_with("QUIT");
}

}  // namespace enma::testing
