// resolver_stats.hpp - counters the answer cache keeps for whoever exports them (app/'s
// metrics), without the resolver layer knowing how they are exported.
//
// Invariants:
//  - Written on the loop thread (CachingResolver), read from any thread (a metrics scrape):
//    every member is a relaxed atomic, so the per-query cost is a few uncontended atomic
//    increments and no lock. A reader sees each counter exact, not a snapshot of all of them
//    taken at one instant.
//  - The latency histogram counts each lookup the cache sent on to the inner resolver (a
//    miss), from the query to its answer on the scheduler's clock; cache hits take no time
//    worth measuring and are counted in m_hits only.
//  - kLatencyBounds are the buckets' upper bounds in seconds; m_buckets[i] counts the lookups
//    of bucket i alone (not cumulative); the last slot counts those above every bound.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace enma::resolver {

struct ResolverStats {
    static constexpr std::array<double, 12> kLatencyBounds{
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5};

    std::atomic<std::uint64_t> m_hits{0};    // answered from the cache
    std::atomic<std::uint64_t> m_misses{0};  // sent on to the inner resolver
    std::array<std::atomic<std::uint64_t>, kLatencyBounds.size() + 1> m_buckets{};
    std::atomic<std::uint64_t> m_latency_ns{0};  // sum of the lookups' latencies

    // lookup_done - one miss answered after `latency` (loop thread).
    void lookup_done(std::chrono::nanoseconds latency) noexcept;
};

}  // namespace enma::resolver
