// unbound_resolver.hpp - the production Resolver: libunbound, one context, one cache.
//
// Invariants:
//  - One ub_ctx for the whole process (every message shares its cache), run in libunbound's
//    threaded async mode: its own worker thread does the network I/O and validation, and hands
//    results back over a pipe whose read end (ub_fd) the Scheduler watches. ub_process runs on
//    readiness, on the loop thread; a blocking ub_resolve is never used.
//  - The constructor may run on any thread before the loop starts (it only configures the
//    context and reports a bad setting at once). Everything else (queries, destruction while
//    queries are in flight) runs on the loop thread.
//  - Each query owns a heap Pending record keyed by a serial number; libunbound's callback
//    gets a pointer to it. libunbound calls back at most once per query and never after a
//    successful ub_cancel, so a Pending is freed only after its callback or its ub_cancel; if
//    ub_cancel ever fails the record stays as a completed "zombie" and a late callback for it
//    only frees the result. Timers and cancellations find their query by serial, never by
//    pointer, so they are harmless once it has completed.
//  - Completion never runs coroutine code inside libunbound or inside request_cancel(): the
//    answer is stored and the waiting coroutine is posted to the loop.
//  - Outcomes: a per-query timer (ResolverOptions::m_query_timeout) ub_cancels and completes
//    with DnsStatus::timeout; the token ub_cancels and completes with DnsStatus::cancelled;
//    the destructor completes everything still in flight as cancelled.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>

#include "coro/scheduler.hpp"
#include "resolver/resolver.hpp"
#include "resolver/resolver_options.hpp"

struct ub_ctx;
struct ub_result;

namespace enma::resolver {

class UnboundResolver : public Resolver {
public:
    // Throws std::invalid_argument with validate_options()'s sentence for bad options, and
    // std::runtime_error naming the libunbound call if the context rejects a setting
    // (e.g. a trust anchor file that does not parse).
    UnboundResolver(coro::Scheduler& scheduler, const ResolverOptions& options);
    ~UnboundResolver() override;
    UnboundResolver(const UnboundResolver&) = delete;
    UnboundResolver& operator=(const UnboundResolver&) = delete;

    // Queries started and not yet completed, plus zombies (loop thread; for tests and stats).
    std::size_t in_flight() const noexcept { return m_pending.size(); }

protected:
    coro::Task<Answer> do_query(std::string name, RrType type, coro::CancelToken token) override;

private:
    struct Pending;
    struct Lookup;
    using PendingMap = std::map<std::uint64_t, std::unique_ptr<Pending>>;

    void configure(const ResolverOptions& options);
    void configure_servers(const ResolverOptions& options);
    void configure_anchors(const ResolverOptions& options);
    void unblock_local_zones();
    void patient_with_forwarders();
    void set_option(const char* name, const std::string& value);
    void check(int rc, const char* what, const std::string& argument);
    bool start(Lookup& lookup, std::coroutine_handle<> waiter);
    void watch_results();
    void abandon(std::uint64_t serial, DnsStatus status);
    void deliver(std::uint64_t serial, int err, ub_result* result);
    void complete(PendingMap::iterator it, Answer answer, bool release);
    static void on_result(void* data, int err, ub_result* result);

    coro::Scheduler& m_scheduler;
    ub_ctx* m_ctx = nullptr;
    bool m_validating = true;
    coro::Scheduler::Duration m_query_timeout;
    coro::Scheduler::FdWatch m_watch;  // created on the first query, on the loop thread
    PendingMap m_pending;
    std::uint64_t m_next_serial = 0;
};

// map_ub_result - the one place libunbound's ub_result contract becomes an Answer (see the
// invariants of answer.hpp). `validating` is whether DNSSEC validation is on.
Answer map_ub_result(const ub_result& result, RrType type, bool validating);

}  // namespace enma::resolver
