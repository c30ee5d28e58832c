// transaction.hpp - one message sent to one filter command by command.
//
// MilterClient::send runs a Transaction to its end at once; a paced client (--pace-ms) calls
// step() once every few seconds. The commands are MilterClient::plan's: MAIL .. EOM, then
// ABORT, which is sent whatever the filter answered, so the connection can carry the next
// message. A SKIP answer to a body chunk skips the rest of the body, as an MTA does.
#pragma once

#include <string>
#include <vector>

#include "bench/milterload/milter_client.hpp"

namespace milterload {

class Transaction {
public:
    Transaction(MilterClient& client, const Message& message, const std::string& queue_id);

    // step - send the next command and read its answer; false once ABORT has gone, when
    // outcome() holds the final reply. Throws ProtocolError.
    bool step();
    const MessageOutcome& outcome() const { return m_outcome; }

private:
    MilterClient& m_client;
    std::vector<Command> m_commands;
    size_t m_next = 0;
    bool m_skipping_body = false;
    MessageOutcome m_outcome;
};

}  // namespace milterload
