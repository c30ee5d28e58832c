// report_options.hpp - enma-report's command line as a struct, checked before the store or
// the DNS is touched.
//
//   enma-report [-c FILE] [-o KEY=VALUE]... [--period yesterday|today|DAY|DAY..DAY]
//               [--domain DOMAIN]... [--dry-run] [--output-dir DIR] [--purge] [-hV]
//   enma-report --failure-report FILE [--ip ADDR] [--helo NAME] [--mail-from ADDR]
//               [--rcpt ADDR] [--dry-run] [--output-dir DIR] [-c FILE] [-o KEY=VALUE]...
//
// Periods are whole UTC days (RFC 9990 asks for reports aligned on day boundaries); DAY is
// YYYY-MM-DD and a range includes both ends. Parsed with getopt_long (getopt_args.hpp).
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/enma-report/aggregate_report.hpp"

namespace enma::report {

struct ReportOptions {
    std::string m_period = "yesterday";    // --period, as given
    std::vector<std::string> m_domains;    // --domain: only these policy domains
    bool m_dry_run = false;                // --dry-run: build and say, send and record nothing
    std::string m_output_dir;              // --output-dir: write .xml.gz files, send no mail
    bool m_purge = false;                  // --purge: apply report.retention_days first
    bool m_help = false;                   // -h / --help
    bool m_version = false;                // -V / --version
    std::string m_config_file;             // -c
    std::vector<std::string> m_overrides;  // -o KEY=VALUE
    // --failure-report FILE and the envelope of that message (failure_from_file.hpp).
    std::string m_failure_report;
    std::string m_ip, m_helo, m_mail_from, m_rcpt;
};

// ReportUsageError - a command line that cannot run; what() is one line.
class ReportUsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// parse_report_options - `args` is argv without argv[0]. Throws ReportUsageError.
ReportOptions parse_report_options(std::span<const std::string> args);

// daily_periods - the days `period` names, oldest first, relative to `now` (seconds since
// the epoch) for "yesterday" and "today". Throws ReportUsageError on a bad period.
std::vector<Period> daily_periods(std::string_view period, std::int64_t now);

// report_usage_text - the -h text.
std::string report_usage_text();

}  // namespace enma::report
