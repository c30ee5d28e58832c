// report_run.hpp - one enma-report run over the store: for each day and policy domain,
// aggregate, build, check each destination, deliver, record.
//
// Invariants:
//  - Idempotent: a (policy domain, period begin, destination) the store has recorded is never
//    delivered again, whatever its status; a delivery that failed is not recorded, so the
//    next run retries it. --dry-run records nothing.
//  - Refused destinations (external and unverified, or over their size limit) are recorded
//    with status "refused" so they are not looked up again for that period.
//  - One line per decision on `out`: STATUS DOMAIN DAY DESTINATION REPORT-ID [why].
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "app/enma-report/aggregate_report.hpp"
#include "app/report/destination_check.hpp"
#include "app/report/report_store.hpp"
#include "app/report/report_uri.hpp"
#include "conf/config.hpp"

namespace enma::report {

struct RunSettings {
    ReporterInfo m_reporter;
    std::string m_sendmail;    // report.sendmail
    conf::SmtpRelay m_smtp;    // report.smtp; set: sent over SMTP, not m_sendmail
    std::string m_output_dir;  // --output-dir; "" sends mail
    bool m_dry_run = false;
    std::vector<std::string> m_domains;  // --domain; empty: all
    std::int64_t m_now = 0;              // the Date of messages and sent_at
};

struct RunTally {
    int m_sent = 0, m_already = 0, m_refused = 0, m_failed = 0, m_deferred = 0, m_dry = 0;
};

class ReportRun {
public:
    ReportRun(ReportStore& store, DestinationChecker checker, RunSettings settings,
              std::ostream& out);
    // run_period - every policy domain with rows in `period`.
    void run_period(const Period& period);
    const RunTally& tally() const noexcept { return m_tally; }

private:
    void run_domain(const std::string& domain, const Period& period);
    void to_directory(const AggregateReport& report, const std::string& gzip);
    void to_uri(const AggregateReport& report, const std::string& gzip, const ReportUri& uri);
    void say(std::string_view status, const AggregateReport& report, std::string_view destination,
             std::string_view why = {});
    void record(const AggregateReport& report, const std::string& destination,
                std::string_view status);

    ReportStore& m_store;
    DestinationChecker m_checker;
    RunSettings m_settings;
    std::ostream& m_out;
    RunTally m_tally;
};

// receiver_domain - report.domain, or the domain of report.email when that is empty.
std::string receiver_domain(const std::string& domain, const std::string& email);

}  // namespace enma::report
