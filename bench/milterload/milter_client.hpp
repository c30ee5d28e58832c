// milter_client.hpp - one MTA-side milter connection: negotiate once, then many messages.
//
// Each packet goes out in its own write(), as Postfix and Sendmail do, so the TCP behaviour
// (Nagle, delayed ACK) is the one a real MTA meets. Steps the filter asked not to see are not
// sent; steps it asked not to answer (SMFIP_NR_*) are not waited for.
#pragma once

#include <cstdint>
#include <string>

#include "bench/milterload/corpus.hpp"

namespace milterload {

// Endpoint - "inet:PORT@HOST" (IPv4 address or name) or "unix:PATH".
struct Endpoint {
    bool m_unix = false;
    std::string m_host;
    uint16_t m_port = 0;
    std::string m_path;
};
Endpoint parse_endpoint(const std::string& text);  // throws std::invalid_argument

// Client socket options; neither set is what an ordinary client does.
struct SocketOptions {
    bool m_nodelay = false;
    bool m_quickack = false;  // re-armed after every read, as it does not stick
};

// MessageOutcome - the final reply to a message and the modifications that came before it.
struct MessageOutcome {
    char m_final = '\0';          // 'a' accept, 'c' continue, 'r', 't', 'd', 'y'
    std::string m_modifications;  // raw data of every modification reply, concatenated
};

// ProtocolError - the filter broke the protocol, closed the connection, or timed out.
struct ProtocolError {
    std::string m_what;
};

class MilterClient {
public:
    MilterClient(const Endpoint& endpoint, SocketOptions options);
    ~MilterClient();
    MilterClient(const MilterClient&) = delete;
    MilterClient& operator=(const MilterClient&) = delete;

    // open - connect, OPTNEG, CONNECT and HELO for `envelope`'s client; throws ProtocolError.
    void open(const Envelope& envelope);
    // send - one transaction, MAIL .. EOM, then ABORT so the connection can be reused.
    MessageOutcome send(const Message& message, const std::string& queue_id);
    // close - QUIT and close; harmless when not open.
    void close();
    bool is_open() const { return m_fd >= 0; }
    uint32_t protocol() const { return m_protocol; }

private:
    void write_packet(const std::string& bytes);
    std::string read_exact(size_t size);
    // read_reply - the next reply packet; its command byte is result[0].
    std::string read_reply();
    // step - send one command; unless `no_reply` is in the filter's flags, wait for its answer
    // and return its code ('c' when none was awaited).
    char step(const std::string& bytes, uint32_t no_reply);
    void send_macros(char stage, const std::string& pairs);
    char send_headers_and_body(const Message& message);
    MessageOutcome end_of_message(const std::string& queue_id);

    Endpoint m_endpoint;
    SocketOptions m_options;
    int m_fd = -1;
    uint32_t m_protocol = 0;
};

}  // namespace milterload
