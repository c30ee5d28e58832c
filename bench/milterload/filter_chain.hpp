// filter_chain.hpp - one MTA connection's filters: a connection to each --socket, and each
// message through all of them in turn.
//
// The chain is sequential per message: the whole conversation (MAIL .. EOM, ABORT) with the
// first filter, then with the next, on connections opened together (OPTNEG, CONNECT, HELO with
// each). A filter's modifications are not applied: every filter sees the message as received.
// A final reply other than accept or continue ends the message there, as it would in an MTA.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "bench/milterload/milter_client.hpp"
#include "bench/milterload/options.hpp"

namespace milterload {

struct ChainOutcome {
    char m_final = '\0';     // 'a' or 'c' when every filter let the message through
    bool m_expected = true;  // every filter's replies held each of its --expect texts
};

class FilterChain {
public:
    FilterChain(const std::vector<Filter>& filters, SocketOptions options);

    // open - connect to every filter (OPTNEG, CONNECT, HELO); throws ProtocolError, after
    // closing whatever was open.
    void open(const Envelope& envelope);
    ChainOutcome send(const Message& message, const std::string& queue_id);
    void close();
    bool is_open() const;
    uint32_t protocol() const { return m_clients.front()->protocol(); }  // the first filter's

private:
    const std::vector<Filter>& m_filters;
    std::vector<std::unique_ptr<MilterClient>> m_clients;  // one per filter, same order
};

// has_all - whether `replies` contains every text of `expect`.
bool has_all(const std::string& replies, const std::vector<std::string>& expect);

}  // namespace milterload
