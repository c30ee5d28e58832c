// resolver_collector.cpp - ResolverStats read at scrape time into metric families.
#include "app/common/resolver_collector.hpp"

#include <prometheus/client_metric.h>
#include <prometheus/metric_type.h>

#include <limits>

namespace enma::app {

namespace {

prometheus::MetricFamily counter(const char* name, const char* help,
                                 const std::atomic<std::uint64_t>& value) {
    prometheus::ClientMetric metric;
    metric.counter.value = static_cast<double>(value.load(std::memory_order_relaxed));
    return {name, help, prometheus::MetricType::Counter, {metric}};
}

// latency - the buckets made cumulative; the count is their total, so a scrape racing a
// lookup never shows a count that disagrees with its +Inf bucket.
prometheus::MetricFamily latency(const resolver::ResolverStats& stats) {
    prometheus::ClientMetric metric;
    std::uint64_t total = 0;
    const auto& bounds = resolver::ResolverStats::kLatencyBounds;
    for (std::size_t i = 0; i < bounds.size(); ++i) {
        total += stats.m_buckets[i].load(std::memory_order_relaxed);
        metric.histogram.bucket.push_back({total, bounds[i]});
    }
    total += stats.m_buckets[bounds.size()].load(std::memory_order_relaxed);
    metric.histogram.bucket.push_back({total, std::numeric_limits<double>::infinity()});
    metric.histogram.sample_count = total;
    metric.histogram.sample_sum =
        static_cast<double>(stats.m_latency_ns.load(std::memory_order_relaxed)) / 1e9;
    return {"enma_dns_lookup_seconds",
            "Time from a lookup the answer cache could not serve to its answer.",
            prometheus::MetricType::Histogram,
            {metric}};
}

}  // namespace

std::vector<prometheus::MetricFamily> ResolverCollector::Collect() const {
    return {counter("enma_dns_cache_hits_total", "Queries answered from enma's answer cache.",
                    m_stats->m_hits),
            counter("enma_dns_cache_misses_total",
                    "Queries the answer cache sent on to libunbound.", m_stats->m_misses),
            latency(*m_stats)};
}

}  // namespace enma::app
