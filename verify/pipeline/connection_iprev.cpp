// connection_iprev.cpp - one connection's iprev lookups on their own task group.
#include "verify/pipeline/connection_iprev.hpp"

#include "verify/pipeline/lookup_scope.hpp"

namespace enma::pipeline {

struct IprevState : LookupScope {
    using LookupScope::LookupScope;

    std::optional<iprev::IprevOutput> m_output;  // written on the loop thread
};

namespace {

coro::Task<void> run_iprev(std::shared_ptr<IprevState> state, resolver::IpAddress client) {
    auto output = co_await iprev::check_iprev(state->m_resolver, {client});
    state->m_output = std::move(output);
}

}  // namespace

ConnectionIprev::ConnectionIprev(coro::Scheduler& scheduler,
                                 std::shared_ptr<resolver::Resolver> resolver,
                                 resolver::IpAddress client, std::size_t max_queries)
    : m_scheduler(scheduler),
      m_resolver(std::move(resolver)),
      m_client(client),
      m_max_queries(max_queries) {
    start();
}

ConnectionIprev::~ConnectionIprev() {
    m_state->m_group->cancel();
}

void ConnectionIprev::start() {
    m_state = std::make_shared<IprevState>(m_scheduler, m_resolver, m_max_queries);
    m_counted = false;
    ++m_starts;
    m_state->m_group->start(run_iprev(m_state, m_client));
}

void ConnectionIprev::restart_if_cut() {
    if (!m_state->m_group->expired())
        return;
    m_state->m_group->wait();  // cancelled: the task is back at once
    start();
}

void ConnectionIprev::arm(std::chrono::milliseconds delay) {
    m_state->m_group->cancel_after(delay);
}

iprev::IprevOutput ConnectionIprev::finish() {
    m_state->m_group->wait();
    return m_state->m_output.value_or(iprev::IprevOutput{iprev::IprevResult::temperror,
                                                         "iprev lookups did not finish",
                                                         m_client,
                                                         {},
                                                         {},
                                                         0,
                                                         resolver::Security::unchecked});
}

std::exception_ptr ConnectionIprev::error() const {
    return m_state->m_group->error();
}

bool ConnectionIprev::expired() const {
    return m_state->m_group->expired();
}

std::optional<ConnectionIprev::Counts> ConnectionIprev::take_counts() {
    if (m_counted)
        return std::nullopt;
    m_counted = true;
    return Counts{m_state->m_budget.used(), m_state->m_budget.refused(),
                  m_state->m_resolver.stats()};
}

}  // namespace enma::pipeline
