// metrics.hpp - the Prometheus endpoint (metrics.listen) and what it counts.
//
// Counted from the same Verdict the `message` log record is written from (MilterConnection::
// log_message), so the metrics and the log always agree. prometheus-cpp's counters and
// histograms are atomic: any libmilter thread may record. The exposer serves /metrics from its
// own thread (civetweb); the Metrics object outlives every connection (the Runtime holds it
// and passes it on across reloads). docs/metrics.md lists every metric.
// The answer cache counts into resolver_stats() (plain atomics, read at scrape time by a
// ResolverCollector): the resolver layer never sees prometheus-cpp, and its per-query path
// takes no lock. The stats outlive a resolver a reload replaces, so the counters run on.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "resolver/resolver_stats.hpp"
#include "verify/pipeline/message_session.hpp"

namespace prometheus {
class Exposer;
class Registry;
class Counter;
class Histogram;
class Gauge;
class Collectable;
template <typename T>
class Family;
}  // namespace prometheus

namespace enma::app {

class Metrics {
public:
    // Metrics - serving /metrics on `listen` ("HOST:PORT"); throws StartupError if it
    // cannot listen there.
    explicit Metrics(const std::string& listen);
    ~Metrics();
    Metrics(const Metrics&) = delete;
    Metrics& operator=(const Metrics&) = delete;

    // message - one verified message: its results, DNS work and end-of-message time.
    void message(const pipeline::Verdict& verdict);
    // connection_opened / connection_closed - the MTA connections gauge.
    void connection_opened();
    void connection_closed();
    // report_written / report_dropped - DMARC records the report store took, and those
    // dropped (queue full, store down at stop): app/report/recorder.hpp.
    void report_written(std::uint64_t count);
    void report_dropped(std::uint64_t count);
    // failure_report - one failure-report outcome (sent, dropped, rate_limited, refused,
    // failed): app/report/failure_sender.hpp.
    void failure_report(const std::string& outcome);
    // message_started / message_ended - the in-flight messages gauge (MAIL FROM to end of
    // message, abort or a lost connection).
    void message_started();
    void message_ended();
    // internal_error - one "milter.error" record: a step that failed inside enma and ended
    // in milter.fail_action (or, at negotiate, in a connection enma cannot serve).
    void internal_error(const std::string& step);
    // resolver_stats - where the answer cache counts hits, misses and lookup latencies.
    const std::shared_ptr<resolver::ResolverStats>& resolver_stats() const noexcept {
        return m_resolver_stats;
    }

private:
    std::shared_ptr<prometheus::Registry> m_registry;
    std::unique_ptr<prometheus::Exposer> m_exposer;
    prometheus::Family<prometheus::Counter>* m_results = nullptr;
    prometheus::Family<prometheus::Counter>* m_dnssec = nullptr;
    prometheus::Counter* m_messages = nullptr;
    prometheus::Counter* m_queries = nullptr;
    prometheus::Counter* m_refused = nullptr;
    prometheus::Counter* m_failures = nullptr;
    prometheus::Counter* m_deadlines = nullptr;
    prometheus::Histogram* m_eom = nullptr;
    prometheus::Gauge* m_connections = nullptr;
    prometheus::Counter* m_report_written = nullptr;
    prometheus::Counter* m_report_dropped = nullptr;
    prometheus::Family<prometheus::Counter>* m_failure_reports = nullptr;
    prometheus::Gauge* m_in_flight = nullptr;
    prometheus::Family<prometheus::Counter>* m_errors = nullptr;
    std::shared_ptr<resolver::ResolverStats> m_resolver_stats;
    std::shared_ptr<prometheus::Collectable> m_resolver_collector;
};

}  // namespace enma::app
