// spf_dns.hpp - the DNS lookups of one check_host() run, shared with its prefetcher.
//
// With sharing on, every (name, type) is asked once per run: the first fetch() or prefetch
// sends the query, later fetches of the same question await that one answer. launch() starts
// prefetch work that nobody awaits yet; finish() cancels whatever is still in flight and waits
// until every launched task has ended, so no coroutine outlives the run (structured
// concurrency: the run's frame owns this object).
//
// Invariants: loop thread only. An answer stays in its slot once delivered. Waiters are
// resumed in the order they arrived, inside the coroutine that delivered the answer.
#pragma once

#include <coroutine>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "coro/cancel.hpp"
#include "coro/task.hpp"
#include "resolver/resolver.hpp"

namespace enma::spf {

class SpfDns {
public:
    SpfDns(resolver::Resolver& resolver, bool sharing);
    SpfDns(const SpfDns&) = delete;
    SpfDns& operator=(const SpfDns&) = delete;
    ~SpfDns();

    // fetch - the answer to (name, type): a shared one when sharing, else a fresh query.
    coro::Task<resolver::Answer> fetch(std::string name, resolver::RrType type);
    // launch - run `work` now without awaiting it; dropped once finish() has begun.
    void launch(coro::Task<void> work);
    // finish - cancel the queries still in flight and wait for every launched task.
    coro::Task<void> finish();

    bool sharing() const noexcept { return m_sharing; }
    bool closed() const noexcept { return m_closed; }
    std::size_t queries_sent() const noexcept { return m_queries; }

private:
    struct Slot {
        bool m_done = false;
        resolver::Answer m_answer;
        std::vector<std::coroutine_handle<>> m_waiters;
    };
    struct SlotAwaiter;
    struct JoinAwaiter;
    struct Detached;
    static Detached run_detached(SpfDns& owner, coro::Task<void> work);
    std::coroutine_handle<> task_ended() noexcept;
    static void deliver(Slot& slot, const resolver::Answer& answer);

    resolver::Resolver& m_resolver;
    bool m_sharing;
    bool m_closed = false;
    std::size_t m_queries = 0;
    std::size_t m_in_flight = 0;
    std::coroutine_handle<> m_joiner;
    coro::CancelSource m_cancel;
    std::map<std::pair<std::string, resolver::RrType>, std::shared_ptr<Slot>> m_slots;
};

}  // namespace enma::spf
