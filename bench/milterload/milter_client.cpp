// milter_client.cpp - the MTA side of the milter protocol over one socket.
#include "bench/milterload/milter_client.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "bench/milterload/milter_protocol.hpp"
#include "bench/milterload/transaction.hpp"

namespace milterload {
namespace {

bool is_final_reply(char code) {
    return code == reply::kAccept || code == reply::kContinue || code == reply::kReject ||
           code == reply::kTempfail || code == reply::kDiscard || code == reply::kReplyCode;
}

bool is_go_on(char code) {
    return code == reply::kContinue;
}

int connect_inet(const Endpoint& endpoint) {
    addrinfo hints{};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(endpoint.m_port);
    if (getaddrinfo(endpoint.m_host.c_str(), port.c_str(), &hints, &found) != 0 || !found)
        throw ProtocolError{"cannot resolve " + endpoint.m_host};
    const int fd = socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int status = fd < 0 ? -1 : ::connect(fd, found->ai_addr, found->ai_addrlen);
    freeaddrinfo(found);
    if (status != 0) {
        const std::string why = std::strerror(errno);
        if (fd >= 0)
            ::close(fd);
        throw ProtocolError{"connect: " + why};
    }
    return fd;
}

int connect_unix(const Endpoint& endpoint) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (endpoint.m_path.size() >= sizeof address.sun_path)
        throw ProtocolError{"socket path too long"};
    std::memcpy(address.sun_path, endpoint.m_path.c_str(), endpoint.m_path.size() + 1);
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        const std::string why = std::strerror(errno);
        if (fd >= 0)
            ::close(fd);
        throw ProtocolError{"connect: " + why};
    }
    return fd;
}

void set_option(int fd, int level, int option, int value) {
    setsockopt(fd, level, option, &value, sizeof value);
}

}  // namespace

Endpoint parse_endpoint(const std::string& text) {
    Endpoint endpoint;
    if (text.rfind("unix:", 0) == 0 || text.rfind("local:", 0) == 0) {
        endpoint.m_unix = true;
        endpoint.m_path = text.substr(text.find(':') + 1);
        return endpoint;
    }
    const size_t at = text.find('@');
    if (text.rfind("inet:", 0) != 0 || at == std::string::npos)
        throw std::invalid_argument("socket must be inet:PORT@HOST or unix:PATH: " + text);
    endpoint.m_port = static_cast<uint16_t>(std::stoul(text.substr(5, at - 5)));
    endpoint.m_host = text.substr(at + 1);
    return endpoint;
}

MilterClient::MilterClient(const Endpoint& endpoint, SocketOptions options)
    : m_endpoint(endpoint), m_options(options) {}

MilterClient::~MilterClient() {
    if (m_fd >= 0)
        ::close(m_fd);
}

void MilterClient::write_packet(const std::string& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
        // MSG_NOSIGNAL: a filter that hangs up is an error to count, not a SIGPIPE.
        const ssize_t n = ::send(m_fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            throw ProtocolError{std::string("send: ") + std::strerror(errno)};
        done += static_cast<size_t>(n);
    }
}

std::string MilterClient::read_exact(size_t size) {
    std::string bytes(size, '\0');
    size_t done = 0;
    while (done < size) {
        const ssize_t n = ::read(m_fd, bytes.data() + done, size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0)
            throw ProtocolError{"filter closed the connection"};
        if (n < 0)
            throw ProtocolError{std::string("read: ") + std::strerror(errno)};
        done += static_cast<size_t>(n);
    }
    if (m_options.m_quickack && m_endpoint.m_unix == false)
        set_option(m_fd, IPPROTO_TCP, TCP_QUICKACK, 1);
    return bytes;
}

std::string MilterClient::read_reply() {
    const uint32_t length = read_u32(read_exact(4), 0);
    if (length == 0 || length > (1u << 24))
        throw ProtocolError{"bad reply length " + std::to_string(length)};
    return read_exact(length);
}

char MilterClient::step(const std::string& bytes, uint32_t no_reply) {
    write_packet(bytes);
    if (m_protocol & no_reply)
        return reply::kContinue;
    for (;;) {
        const std::string answer = read_reply();
        if (answer[0] != reply::kProgress)
            return answer[0];
    }
}

void MilterClient::send_macros(char stage, const std::string& pairs) {
    write_packet(
        Packet(command::kMacro).add_bytes(std::string(1, stage)).add_bytes(pairs).finish());
}

void MilterClient::open(const Envelope& envelope) {
    m_fd = m_endpoint.m_unix ? connect_unix(m_endpoint) : connect_inet(m_endpoint);
    const timeval timeout{60, 0};
    setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    if (!m_endpoint.m_unix && m_options.m_nodelay)
        set_option(m_fd, IPPROTO_TCP, TCP_NODELAY, 1);
    write_packet(Packet(command::kOptionNegotiation)
                     .add_u32(kVersion)
                     .add_u32(kOfferedActions)
                     .add_u32(step::kOffered)
                     .finish());
    const std::string answer = read_reply();
    if (answer[0] != reply::kOptionNegotiation || answer.size() < 13)
        throw ProtocolError{"bad option negotiation reply"};
    m_protocol = read_u32(answer, 9) & step::kOffered;
    send_macros(command::kConnect, std::string("j\0mx.bench.example\0", 19));
    char code = reply::kContinue;
    if (!(m_protocol & step::kNoConnect))
        code = step(Packet(command::kConnect)
                        .add_string(envelope.m_client_name)
                        .add_bytes("4")
                        .add_u16(static_cast<uint16_t>(envelope.m_client_port))
                        .add_string(envelope.m_client_addr)
                        .finish(),
                    step::kNoReplyConnect);
    if (is_go_on(code) && !(m_protocol & step::kNoHelo))
        code =
            step(Packet(command::kHelo).add_string(envelope.m_helo).finish(), step::kNoReplyHelo);
    if (!is_go_on(code))
        throw ProtocolError{std::string("connection refused by the filter: ") + code};
}

namespace {

Command make_command(const std::string& packet, uint32_t no_reply,
                     Command::Kind kind = Command::Kind::kOther) {
    Command command;
    command.m_packets.push_back(packet);
    command.m_no_reply = no_reply;
    command.m_kind = kind;
    return command;
}

std::string macro_packet(char stage, const std::string& pairs) {
    return Packet(command::kMacro).add_bytes(std::string(1, stage)).add_bytes(pairs).finish();
}

}  // namespace

void MilterClient::plan_headers_and_body(const Message& message,
                                         std::vector<Command>& commands) const {
    const bool leading_space = m_protocol & step::kHeaderLeadingSpace;
    for (size_t i = 0; !(m_protocol & step::kNoHeaders) && i < message.m_headers.size(); ++i) {
        std::string_view value = message.m_headers[i].m_value;
        if (!leading_space && !value.empty() && value[0] == ' ')
            value.remove_prefix(1);
        commands.push_back(make_command(Packet(command::kHeader)
                                            .add_string(message.m_headers[i].m_name)
                                            .add_string(value)
                                            .finish(),
                                        step::kNoReplyHeader));
    }
    if (!(m_protocol & step::kNoEndOfHeaders))
        commands.push_back(
            make_command(Packet(command::kEndOfHeaders).finish(), step::kNoReplyEndOfHeaders));
    const std::string_view body = message.m_body;
    for (size_t at = 0; at < body.size() && !(m_protocol & step::kNoBody); at += kBodyChunk)
        commands.push_back(
            make_command(Packet(command::kBody).add_bytes(body.substr(at, kBodyChunk)).finish(),
                         step::kNoReplyBody, Command::Kind::kBody));
}

std::vector<Command> MilterClient::plan(const Message& message, const std::string& queue_id) const {
    const Envelope& envelope = message.m_envelope;
    std::vector<Command> commands;
    Command mail =
        make_command(Packet(command::kMail).add_string("<" + envelope.m_mail_from + ">").finish(),
                     step::kNoReplyMail);
    mail.m_packets.insert(
        mail.m_packets.begin(),
        macro_packet(command::kMail, "i" + std::string(1, '\0') + queue_id + '\0' + "{mail_addr}" +
                                         '\0' + envelope.m_mail_from + '\0'));
    if (m_protocol & step::kNoMail) {  // the macros still go: Postfix sends them regardless
        mail.m_packets.pop_back();
        mail.m_no_reply = ~0u;
    }
    commands.push_back(std::move(mail));
    for (size_t i = 0; !(m_protocol & step::kNoRcpt) && i < envelope.m_rcpts.size(); ++i)
        commands.push_back(make_command(
            Packet(command::kRcpt).add_string("<" + envelope.m_rcpts[i] + ">").finish(),
            step::kNoReplyRcpt));
    if (!(m_protocol & step::kNoData))
        commands.push_back(make_command(Packet(command::kData).finish(), step::kNoReplyData));
    plan_headers_and_body(message, commands);
    Command eom =
        make_command(Packet(command::kEndOfMessage).finish(), 0, Command::Kind::kEndOfMessage);
    eom.m_packets.insert(
        eom.m_packets.begin(),
        macro_packet(command::kEndOfMessage, "i" + std::string(1, '\0') + queue_id + '\0'));
    commands.push_back(std::move(eom));
    commands.push_back(make_command(Packet(command::kAbort).finish(), ~0u, Command::Kind::kAbort));
    return commands;
}

MessageOutcome MilterClient::end_of_message() {
    MessageOutcome outcome;
    for (;;) {
        const std::string answer = read_reply();
        if (is_final_reply(answer[0])) {
            outcome.m_final = answer[0];
            return outcome;
        }
        if (answer[0] != reply::kProgress)
            outcome.m_modifications.append(answer);
    }
}

char MilterClient::perform(const Command& command, MessageOutcome& outcome) {
    for (const std::string& packet : command.m_packets)
        write_packet(packet);
    if (command.m_kind == Command::Kind::kEndOfMessage) {
        outcome = end_of_message();
        return outcome.m_final;
    }
    // ~0u: a command never answered (ABORT, macros alone); else the filter's NR_* choice.
    if (command.m_no_reply == ~0u || (m_protocol & command.m_no_reply))
        return reply::kContinue;
    for (;;) {
        const std::string answer = read_reply();
        if (answer[0] != reply::kProgress)
            return answer[0];
    }
}

MessageOutcome MilterClient::send(const Message& message, const std::string& queue_id) {
    Transaction transaction(*this, message, queue_id);
    while (transaction.step()) {
    }
    return transaction.outcome();
}

void MilterClient::close() {
    if (m_fd < 0)
        return;
    try {
        write_packet(Packet(command::kQuit).finish());
    } catch (const ProtocolError&) {
        // The filter may have gone already; the socket is closed either way.
    }
    ::close(m_fd);
    m_fd = -1;
}

}  // namespace milterload
