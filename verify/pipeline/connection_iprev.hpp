// connection_iprev.hpp - the iprev check of one SMTP connection, started at CONNECT.
//
// iprev is about the client, not the message: its lookups start when the client connects
// (MilterConnection::connect), overlap the SMTP dialogue, and their result serves every
// message of the connection (RSET or a new MAIL FROM keeps it). Each message arms its own
// deadline on them at end of message (arm()) and waits (finish()); the first message to
// finish carries the lookups' DNS counts in its Verdict, so each query is counted once.
//
// Threads: every member is called from the connection's thread (libmilter calls one
// connection's callbacks one at a time); the lookup task runs on the loop thread and writes
// the output, which finish() reads only after the group's wait() returned (the TaskGroup's
// mutex orders the two). The state the task shares lives until the task is back, even
// when the connection is gone (the destructor only cancels).
//
// A deadline that cut the lookups gives that message a temperror; the next message of the
// connection starts them again (restart_if_cut(), at its MAIL FROM).
#pragma once

#include <chrono>
#include <cstddef>
#include <exception>
#include <memory>
#include <optional>

#include "coro/scheduler.hpp"
#include "resolver/ip_address.hpp"
#include "resolver/resolver.hpp"
#include "resolver/scoped_resolver.hpp"
#include "verify/iprev/iprev_check.hpp"

namespace enma::pipeline {

struct IprevState;  // what the lookup task shares (connection_iprev.cpp)

class ConnectionIprev {
public:
    // The DNS work of the lookups, for the Verdict of the message that first reads them.
    struct Counts {
        std::size_t m_queries = 0;
        std::size_t m_refused = 0;
        resolver::ScopedResolver::Stats m_dns;
    };

    // ConnectionIprev - starts the lookups for `client` now, under a budget of `max_queries`.
    ConnectionIprev(coro::Scheduler& scheduler, std::shared_ptr<resolver::Resolver> resolver,
                    resolver::IpAddress client, std::size_t max_queries);
    ~ConnectionIprev();
    ConnectionIprev(const ConnectionIprev&) = delete;
    ConnectionIprev& operator=(const ConnectionIprev&) = delete;

    // restart_if_cut - a new message: start the lookups again if a deadline cut them.
    void restart_if_cut();
    // arm - cancel the lookups when `delay` has passed, unless they are done.
    void arm(std::chrono::milliseconds delay);
    // finish - wait for the lookups; their output (temperror when they were cut) and any bug
    // they hit (rethrown by the caller, which fails the message closed).
    iprev::IprevOutput finish();
    std::exception_ptr error() const;
    // expired - did the last arm()'s deadline cut the lookups?
    bool expired() const;
    // take_counts - the DNS counts, the first time only (after finish()).
    std::optional<Counts> take_counts();
    // starts - how many times the lookups were started (1 unless a deadline cut them).
    std::size_t starts() const noexcept { return m_starts; }

private:
    void start();

    coro::Scheduler& m_scheduler;
    std::shared_ptr<resolver::Resolver> m_resolver;
    resolver::IpAddress m_client;
    std::size_t m_max_queries;
    std::shared_ptr<IprevState> m_state;
    bool m_counted = false;
    std::size_t m_starts = 0;
};

}  // namespace enma::pipeline
