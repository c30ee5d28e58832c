// report_run.cpp - the per-period, per-domain, per-destination loop.
#include "app/enma-report/report_run.hpp"

#include <algorithm>
#include <ctime>

#include "app/enma-report/feedback_xml.hpp"
#include "app/enma-report/gzip.hpp"
#include "app/enma-report/report_message.hpp"
#include "app/report/delivery.hpp"
#include "app/report/report_uri.hpp"

namespace enma::report {

namespace {

// day_of - YYYY-MM-DD of a UTC time, for the run's lines.
std::string day_of(std::int64_t time) {
    const std::time_t t = static_cast<std::time_t>(time);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[16];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &tm);
    return buffer;
}

}  // namespace

std::string receiver_domain(const std::string& domain, const std::string& email) {
    if (!domain.empty())
        return domain;
    const auto at = email.rfind('@');
    return at == std::string::npos ? std::string() : email.substr(at + 1);
}

ReportRun::ReportRun(ReportStore& store, DestinationChecker checker, RunSettings settings,
                     std::ostream& out)
    : m_store(store), m_checker(std::move(checker)), m_settings(std::move(settings)), m_out(out) {}

void ReportRun::run_period(const Period& period) {
    for (const auto& domain : m_store.policy_domains(period.m_begin, period.m_end)) {
        const auto& only = m_settings.m_domains;
        if (only.empty() || std::find(only.begin(), only.end(), domain) != only.end())
            run_domain(domain, period);
    }
}

void ReportRun::run_domain(const std::string& domain, const Period& period) {
    Aggregator aggregator;
    m_store.for_each_message(domain, period.m_begin, period.m_end,
                             [&](const MessageRow& row) { aggregator.add(row); });
    const AggregateReport report = aggregator.finish(m_settings.m_reporter, period);
    if (report.m_records.empty())
        return;  // the schema needs a record; rows without an address alone make no report
    const std::string gzip = gzip_compress(feedback_xml(report));
    if (!m_settings.m_output_dir.empty())
        return to_directory(report, gzip);
    const auto uris = parse_report_uris(report.m_policy.m_rua);
    for (const auto& skipped : uris.m_skipped)
        say("skipped", report, skipped);
    for (const auto& uri : uris.m_uris)
        to_uri(report, gzip, uri);
}

void ReportRun::to_directory(const AggregateReport& report, const std::string& gzip) {
    const std::string destination = "file:" + m_settings.m_output_dir;
    if (m_store.was_sent(report.m_policy.m_domain, report.m_period.m_begin, destination)) {
        ++m_tally.m_already;
        return say("already", report, destination);
    }
    if (m_settings.m_dry_run) {
        ++m_tally.m_dry;
        return say("would-write", report, destination, report_filename(report));
    }
    const auto error = write_report_file(m_settings.m_output_dir, report_filename(report), gzip);
    if (!error.empty()) {
        ++m_tally.m_failed;
        return say("failed", report, destination, error);
    }
    record(report, destination, "sent");
    ++m_tally.m_sent;
    say("written", report, destination, report_filename(report));
}

void ReportRun::to_uri(const AggregateReport& report, const std::string& gzip,
                       const ReportUri& uri) {
    const std::string& domain = report.m_policy.m_domain;
    if (m_store.was_sent(domain, report.m_period.m_begin, uri.m_uri)) {
        ++m_tally.m_already;
        return say("already", report, uri.m_uri);
    }
    const DestinationVerdict verdict = m_checker(domain, uri.m_host);
    if (verdict == DestinationVerdict::temporary) {
        ++m_tally.m_deferred;
        return say("deferred", report, uri.m_uri, "DNS failure verifying the destination");
    }
    if (verdict == DestinationVerdict::refused) {
        ++m_tally.m_refused;
        if (!m_settings.m_dry_run)
            record(report, uri.m_uri, "refused");
        return say("refused", report, uri.m_uri,
                   "no " + domain + "._report._dmarc." + uri.m_host + " TXT v=DMARC1");
    }
    const std::string message = report_message(
        report, gzip, {m_settings.m_reporter.m_email, uri.m_address, m_settings.m_now});
    if (uri.m_max_size && message.size() > *uri.m_max_size) {
        ++m_tally.m_refused;
        if (!m_settings.m_dry_run)
            record(report, uri.m_uri, "refused");
        return say("refused", report, uri.m_uri,
                   "report of " + std::to_string(message.size()) + " bytes exceeds the limit");
    }
    if (m_settings.m_dry_run) {
        ++m_tally.m_dry;
        return say("would-send", report, uri.m_uri, std::string(verdict_name(verdict)));
    }
    const auto error = send_report_mail({m_settings.m_sendmail, m_settings.m_smtp},
                                        m_settings.m_reporter.m_email, uri.m_address, message);
    if (!error.empty()) {
        ++m_tally.m_failed;
        return say("failed", report, uri.m_uri, error);
    }
    record(report, uri.m_uri, "sent");
    ++m_tally.m_sent;
    say("sent", report, uri.m_uri, std::string(verdict_name(verdict)));
}

void ReportRun::record(const AggregateReport& report, const std::string& destination,
                       std::string_view status) {
    m_store.mark_sent({report.m_policy.m_domain, report.m_period.m_begin, report.m_period.m_end,
                       destination, report.m_report_id, m_settings.m_now, std::string(status)});
}

void ReportRun::say(std::string_view status, const AggregateReport& report,
                    std::string_view destination, std::string_view why) {
    m_out << status << ' ' << report.m_policy.m_domain << ' ' << day_of(report.m_period.m_begin)
          << ' ' << destination << ' ' << report.m_report_id;
    if (!why.empty())
        m_out << " (" << why << ')';
    m_out << '\n';
}

}  // namespace enma::report
