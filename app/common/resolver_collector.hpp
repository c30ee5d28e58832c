// resolver_collector.hpp - the answer cache's ResolverStats as Prometheus metrics.
//
// The resolver layer counts in plain atomics (resolver/resolver_stats.hpp) and knows nothing
// of Prometheus; this Collectable reads them when /metrics is scraped (the exposer's thread),
// so the per-query path never takes prometheus-cpp's histogram lock.
#pragma once

#include <memory>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "resolver/resolver_stats.hpp"

namespace enma::app {

class ResolverCollector : public prometheus::Collectable {
public:
    explicit ResolverCollector(std::shared_ptr<const resolver::ResolverStats> stats)
        : m_stats(std::move(stats)) {}

    // Collect - enma_dns_cache_hits_total, enma_dns_cache_misses_total and the
    // enma_dns_lookup_seconds histogram, as they are now.
    std::vector<prometheus::MetricFamily> Collect() const override;

private:
    std::shared_ptr<const resolver::ResolverStats> m_stats;
};

}  // namespace enma::app
