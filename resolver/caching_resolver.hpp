// caching_resolver.hpp - answers kept on the loop thread, in front of the shared resolver.
//
// libunbound answers even a cache hit through its worker thread: a pipe write, a thread
// wake-up and a pipe read per query, each way. The same few names (a domain's SPF record,
// its DKIM key) come back in message after message, so the daemon keeps their answers here
// and serves them without leaving the loop thread.
//
// Invariants:
//  - Loop thread only, like every Resolver: no lock.
//  - Only proven outcomes are kept: NOERROR with data, NODATA and NXDOMAIN, each with its
//    DNSSEC state (a bogus answer is SERVFAIL and so never kept). SERVFAIL, timeouts,
//    cancellations and local errors always go to the inner resolver again.
//  - TTLs are honoured: an answer is served until its TTL has run out on the scheduler's
//    clock, with m_ttl counting down as it would from unbound's cache; a TTL of 0 is not
//    cached. The key is the name exactly as asked plus the type, so the answer (its
//    canonical name included) is the one the inner resolver gave for that question.
//  - A cancelled token is never answered from the cache: the inner resolver decides, as if
//    the cache were not there.
//  - Bounded in bytes: the entries' estimated memory (entry_bytes(): key, names, records and
//    the containers' overhead) stays within `capacity_bytes`, the least recently used dropped
//    first; an answer larger than the whole capacity is not kept. (A bound in entries would
//    let a sender who publishes 64 KiB TXT records multiply the memory per entry.)
//  - Every query is counted in the ResolverStats as a hit or a miss, and each miss's time to
//    its answer in their latency histogram (resolver_stats.hpp: atomics, no lock). The stats
//    may be shared with the cache a reload replaces this one with, so they run on.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "coro/scheduler.hpp"
#include "resolver/resolver.hpp"
#include "resolver/resolver_stats.hpp"

namespace enma::resolver {

class CachingResolver : public Resolver {
public:
    static constexpr std::size_t kDefaultCapacityBytes = 8u << 20;

    // stats: where hits, misses and latencies are counted; null: counters of its own.
    CachingResolver(coro::Scheduler& scheduler, std::shared_ptr<Resolver> inner,
                    std::size_t capacity_bytes = kDefaultCapacityBytes,
                    std::shared_ptr<ResolverStats> stats = {});

    std::size_t size() const noexcept { return m_lru.size(); }
    std::size_t bytes() const noexcept { return m_bytes; }
    std::size_t hits() const noexcept { return m_hits; }
    const ResolverStats& stats() const noexcept { return *m_stats; }

protected:
    coro::Task<Answer> do_query(std::string name, RrType type, coro::CancelToken token) override;

private:
    struct Entry {
        std::string m_key;
        Answer m_answer;
        coro::Scheduler::TimePoint m_expires;
        std::size_t m_bytes = 0;
    };
    using List = std::list<Entry>;  // most recently used first

    // find - a live answer for `key` with its TTL counted down; drops an expired one.
    std::optional<Answer> find(const std::string& key);
    void store(std::string key, const Answer& answer);
    void erase(List::iterator it);

    coro::Scheduler& m_scheduler;
    std::shared_ptr<Resolver> m_inner;
    std::size_t m_capacity;  // bytes
    std::size_t m_bytes = 0;
    List m_lru;
    std::unordered_map<std::string_view, List::iterator> m_index;  // views of m_lru's keys
    std::size_t m_hits = 0;
    std::shared_ptr<ResolverStats> m_stats;
};

// entry_bytes - the memory an answer kept under `key` takes, estimated from above.
std::size_t entry_bytes(std::string_view key, const Answer& answer) noexcept;

// is_cacheable - a proven outcome with a TTL: NOERROR, NODATA or NXDOMAIN, m_ttl > 0.
bool is_cacheable(const Answer& answer) noexcept;

}  // namespace enma::resolver
