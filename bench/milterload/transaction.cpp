// transaction.cpp - a planned message, one command per step().
#include "bench/milterload/transaction.hpp"

#include "bench/milterload/milter_protocol.hpp"

namespace milterload {

Transaction::Transaction(MilterClient& client, const Message& message, const std::string& queue_id)
    : m_client(client), m_commands(client.plan(message, queue_id)) {}

bool Transaction::step() {
    while (m_next < m_commands.size() && m_skipping_body &&
           m_commands[m_next].m_kind == Command::Kind::kBody)
        ++m_next;
    if (m_next >= m_commands.size())
        return false;
    const Command& command = m_commands[m_next++];
    const char code = m_client.perform(command, m_outcome);
    if (command.m_kind == Command::Kind::kAbort)
        return false;
    if (command.m_kind == Command::Kind::kEndOfMessage || code == reply::kContinue)
        return true;
    if (code == reply::kSkip) {
        m_skipping_body = true;
        return true;
    }
    m_outcome.m_final = code;  // rejected (or accepted) early: straight to ABORT
    m_next = m_commands.size() - 1;
    return true;
}

}  // namespace milterload
