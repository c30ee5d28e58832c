// milter_client.hpp - one MTA-side milter connection: negotiate once, then many messages.
//
// Each packet goes out in its own write(), as Postfix and Sendmail do, so the TCP behaviour
// (Nagle, delayed ACK) is the one a real MTA meets. Steps the filter asked not to see are not
// sent; steps it asked not to answer (SMFIP_NR_*) are not waited for.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

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

// Command - one MTA command of a transaction and the macros sent just before it: what a
// client that paces its commands (--pace-ms) sends at once.
struct Command {
    enum class Kind { kOther, kBody, kEndOfMessage, kAbort };
    std::vector<std::string> m_packets;  // macros first, the command last; one write each
    uint32_t m_no_reply = 0;             // the SMFIP_NR_* flag of the command (0: answered)
    Kind m_kind = Kind::kOther;
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
    // plan - the commands of that transaction for the negotiated protocol, ABORT last; send()
    // is perform() of each in turn (a paced client waits between them).
    std::vector<Command> plan(const Message& message, const std::string& queue_id) const;
    // perform - send `command`; returns the filter's answer ('c' when none is awaited), and
    // for end of message the final reply with the modifications before it in `outcome`.
    char perform(const Command& command, MessageOutcome& outcome);
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
    void plan_headers_and_body(const Message& message, std::vector<Command>& commands) const;
    MessageOutcome end_of_message();

    Endpoint m_endpoint;
    SocketOptions m_options;
    int m_fd = -1;
    uint32_t m_protocol = 0;
};

}  // namespace milterload
