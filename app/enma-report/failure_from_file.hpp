// failure_from_file.hpp - enma-report --failure-report FILE: one message evaluated as the
// milter would (enma-check's pipeline), turned into the report store's row, and, when fo=
// asks for it, an RFC 9991 failure report to each verified ruf= destination.
//
// The daemon sends its own as messages fail (app/report/failure_sender.hpp); this builds one
// from a message file. Needs report.failure_reports: true. The rate limit (report.failure_limit)
// holds within one run only.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "app/enma-report/report_run.hpp"
#include "conf/config.hpp"

namespace enma::report {

struct FailureFileRequest {
    std::string m_file;        // the message (RFC 5322), "-" standard input
    std::string m_ip;          // --ip
    std::string m_helo;        // --helo
    std::string m_mail_from;   // --mail-from
    std::string m_rcpt;        // --rcpt
    std::string m_output_dir;  // --output-dir: write the report as a file instead
    bool m_dry_run = false;    // print the report on `out`, send nothing
};

// report_failure_file - prints one line per decision (as report_run.hpp), and with --dry-run
// the report itself; returns the exit status (0 done or nothing to report, 1 not sent,
// 2 unusable input).
int report_failure_file(const FailureFileRequest& request, const conf::Config& config,
                        const RunSettings& settings, const DestinationChecker& checker,
                        std::ostream& out);

}  // namespace enma::report
