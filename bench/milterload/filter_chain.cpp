// filter_chain.cpp - a message through several filters in turn.
#include "bench/milterload/filter_chain.hpp"

#include <algorithm>

namespace milterload {

FilterChain::FilterChain(const std::vector<Filter>& filters, SocketOptions options)
    : m_filters(filters) {
    for (const Filter& filter : filters)
        m_clients.push_back(
            std::make_unique<MilterClient>(parse_endpoint(filter.m_socket), options));
}

void FilterChain::open(const Envelope& envelope) {
    try {
        for (auto& client : m_clients)
            client->open(envelope);
    } catch (const ProtocolError&) {
        close();
        throw;
    }
}

ChainOutcome FilterChain::send(const Message& message, const std::string& queue_id) {
    ChainOutcome chain;
    for (size_t i = 0; i < m_clients.size(); ++i) {
        const MessageOutcome outcome = m_clients[i]->send(message, queue_id);
        chain.m_final = outcome.m_final;
        if (outcome.m_final != 'a' && outcome.m_final != 'c')
            return chain;
        chain.m_expected =
            chain.m_expected && has_all(outcome.m_modifications, m_filters[i].m_expect);
    }
    return chain;
}

void FilterChain::close() {
    for (auto& client : m_clients)
        client->close();
}

bool FilterChain::is_open() const {
    return std::all_of(m_clients.begin(), m_clients.end(),
                       [](const auto& client) { return client->is_open(); });
}

bool has_all(const std::string& replies, const std::vector<std::string>& expect) {
    return std::all_of(expect.begin(), expect.end(), [&](const std::string& text) {
        return replies.find(text) != std::string::npos;
    });
}

}  // namespace milterload
