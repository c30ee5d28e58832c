// metrics.cpp - prometheus-cpp families, registered once, incremented per message.
#include "app/common/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "app/common/resolver_collector.hpp"
#include "app/common/startup_error.hpp"

namespace enma::app {

namespace {

using prometheus::BuildCounter;

prometheus::Counter& counter(prometheus::Registry& registry, const std::string& name,
                             const std::string& help) {
    return BuildCounter().Name(name).Help(help).Register(registry).Add({});
}

std::unique_ptr<prometheus::Exposer> listen_on(const std::string& listen) {
    try {
        return std::make_unique<prometheus::Exposer>(listen, 1);
    } catch (const std::exception& e) {
        throw StartupError("metrics.listen: cannot listen on " + listen + ": " + e.what());
    }
}

}  // namespace

Metrics::Metrics(const std::string& listen)
    : m_registry(std::make_shared<prometheus::Registry>()), m_exposer(listen_on(listen)) {
    auto& registry = *m_registry;
    m_messages = &counter(registry, "enma_messages_total", "Messages verified.");
    m_results = &BuildCounter()
                     .Name("enma_results_total")
                     .Help("Results by method and result word, as in Authentication-Results.")
                     .Register(registry);
    m_dnssec = &BuildCounter()
                    .Name("enma_dns_answers_total")
                    .Help("DNS answers of verified messages by DNSSEC state.")
                    .Register(registry);
    m_queries = &counter(registry, "enma_dns_queries_total", "DNS queries sent for messages.");
    m_refused = &counter(registry, "enma_dns_budget_refused_total",
                         "Queries refused by the per-message budget.");
    m_failures = &counter(registry, "enma_dns_failures_total",
                          "Answers that were temporary failures (SERVFAIL, timeout, ...).");
    m_deadlines = &counter(registry, "enma_deadline_expired_total",
                           "Messages whose verify deadline cancelled lookups.");
    m_eom = &prometheus::BuildHistogram()
                 .Name("enma_eom_seconds")
                 .Help("Time spent at end of message: waiting for DNS, checking signatures.")
                 .Register(registry)
                 .Add({}, prometheus::Histogram::BucketBoundaries{0.001, 0.005, 0.01, 0.05, 0.1,
                                                                  0.5, 1, 5, 10});
    m_connections = &prometheus::BuildGauge()
                         .Name("enma_connections")
                         .Help("MTA connections open.")
                         .Register(registry)
                         .Add({});
    m_report_written = &counter(registry, "enma_report_written_total",
                                "DMARC records written to the report store (report.store).");
    m_report_dropped = &counter(registry, "enma_report_dropped_total",
                                "DMARC records dropped: the queue was full or the store was "
                                "down when enma stopped.");
    m_failure_reports = &BuildCounter()
                             .Name("enma_failure_reports_total")
                             .Help("RFC 9991 failure reports by outcome (report.failure_reports).")
                             .Register(registry);
    for (const char* outcome : {"sent", "dropped", "rate_limited", "refused", "failed"})
        m_failure_reports->Add({{"outcome", outcome}});
    m_in_flight = &prometheus::BuildGauge()
                       .Name("enma_messages_in_flight")
                       .Help("Messages between MAIL FROM and their end.")
                       .Register(registry)
                       .Add({});
    m_errors = &BuildCounter()
                    .Name("enma_internal_errors_total")
                    .Help("Internal errors (milter.error records) by SMTP step.")
                    .Register(registry);
    // Every step from the start, at 0: a rate() over the family then has data before the
    // first error (a series that appears only with its first increment loses it).
    for (const char* step : {"negotiate", "connect", "helo", "envfrom", "envrcpt", "header", "eoh",
                             "body", "eom", "abort"})
        m_errors->Add({{"step", step}});
    m_exposer->RegisterCollectable(m_registry);
    m_resolver_stats = std::make_shared<resolver::ResolverStats>();
    m_resolver_collector = std::make_shared<ResolverCollector>(m_resolver_stats);
    m_exposer->RegisterCollectable(m_resolver_collector);
}

Metrics::~Metrics() = default;

void Metrics::message(const pipeline::Verdict& verdict) {
    m_messages->Increment();
    for (const auto& result : verdict.m_results)
        m_results->Add({{"method", result.m_method}, {"result", result.m_result}}).Increment();
    m_queries->Increment(static_cast<double>(verdict.m_queries));
    m_refused->Increment(static_cast<double>(verdict.m_queries_refused));
    m_dnssec->Add({{"state", "secure"}}).Increment(static_cast<double>(verdict.m_dns.m_secure));
    m_dnssec->Add({{"state", "insecure"}}).Increment(static_cast<double>(verdict.m_dns.m_insecure));
    m_dnssec->Add({{"state", "bogus"}}).Increment(static_cast<double>(verdict.m_dns.m_bogus));
    m_failures->Increment(static_cast<double>(verdict.m_dns.m_failures));
    if (verdict.m_deadline_expired)
        m_deadlines->Increment();
    m_eom->Observe(verdict.m_eom_ms / 1000.0);
}

void Metrics::connection_opened() {
    m_connections->Increment();
}

void Metrics::connection_closed() {
    m_connections->Decrement();
}

void Metrics::report_written(std::uint64_t count) {
    m_report_written->Increment(static_cast<double>(count));
}

void Metrics::report_dropped(std::uint64_t count) {
    m_report_dropped->Increment(static_cast<double>(count));
}

void Metrics::failure_report(const std::string& outcome) {
    m_failure_reports->Add({{"outcome", outcome}}).Increment();
}

void Metrics::message_started() {
    m_in_flight->Increment();
}

void Metrics::message_ended() {
    m_in_flight->Decrement();
}

void Metrics::internal_error(const std::string& step) {
    m_errors->Add({{"step", step}}).Increment();
}

}  // namespace enma::app
