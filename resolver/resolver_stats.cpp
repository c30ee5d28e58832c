// resolver_stats.cpp - one answered lookup into the latency buckets.
#include "resolver/resolver_stats.hpp"

#include <algorithm>

namespace enma::resolver {

void ResolverStats::lookup_done(std::chrono::nanoseconds latency) noexcept {
    const double seconds = std::chrono::duration<double>(latency).count();
    const auto bound = std::lower_bound(kLatencyBounds.begin(), kLatencyBounds.end(), seconds);
    m_buckets[static_cast<std::size_t>(bound - kLatencyBounds.begin())].fetch_add(
        1, std::memory_order_relaxed);
    m_latency_ns.fetch_add(static_cast<std::uint64_t>(std::max<std::int64_t>(latency.count(), 0)),
                           std::memory_order_relaxed);
}

}  // namespace enma::resolver
