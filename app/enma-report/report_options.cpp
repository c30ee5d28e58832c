// report_options.cpp - parsing enma-report's flags and periods.
#include "app/enma-report/report_options.hpp"

#include <charconv>
#include <chrono>
#include <optional>

#include "app/common/getopt_args.hpp"
#include "resolver/ip_address.hpp"

namespace enma::report {

namespace {

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kMaxDays = 366;

enum Code : int {
    period = '1',
    domain,
    dry_run,
    output_dir,
    purge,
    failure_report,
    ip,
    helo,
    mail_from,
    rcpt
};

constexpr option kLong[] = {
    {"period", required_argument, nullptr, app::kLongOnly | period},
    {"domain", required_argument, nullptr, app::kLongOnly | domain},
    {"dry-run", no_argument, nullptr, app::kLongOnly | dry_run},
    {"output-dir", required_argument, nullptr, app::kLongOnly | output_dir},
    {"purge", no_argument, nullptr, app::kLongOnly | purge},
    {"failure-report", required_argument, nullptr, app::kLongOnly | failure_report},
    {"ip", required_argument, nullptr, app::kLongOnly | ip},
    {"helo", required_argument, nullptr, app::kLongOnly | helo},
    {"mail-from", required_argument, nullptr, app::kLongOnly | mail_from},
    {"rcpt", required_argument, nullptr, app::kLongOnly | rcpt},
    {"config", required_argument, nullptr, 'c'},
    {"help", no_argument, nullptr, app::kLongOnly | 'h'},
    {"version", no_argument, nullptr, app::kLongOnly | 'V'},
    {nullptr, 0, nullptr, 0}};

std::string value_name(int code) {
    switch (code & 0xff) {
        case 'c':
            return "FILE";
        case 'o':
            return "KEY=VALUE";
        case period:
            return "PERIOD";
        case domain:
            return "DOMAIN";
        case failure_report:
            return "FILE";
        case helo:
            return "NAME";
        case ip:
        case mail_from:
        case rcpt:
            return "ADDR";
    }
    return "DIR";
}

void set_value(int code, const std::string& v, const std::string& name, ReportOptions& o) {
    switch (code) {
        case period:
            o.m_period = v;
            return;
        case domain:
            o.m_domains.push_back(v);
            return;
        case output_dir:
            o.m_output_dir = v;
            return;
        case failure_report:
            o.m_failure_report = v;
            return;
        case ip:
            if (!resolver::IpAddress::parse(v))
                throw ReportUsageError(name + ": not an IPv4 or IPv6 address: " + v);
            o.m_ip = v;
            return;
        case helo:
            o.m_helo = v;
            return;
        case mail_from:
            o.m_mail_from = v;
            return;
        case rcpt:
            o.m_rcpt = v;
            return;
        case 'c':
            o.m_config_file = v;
            return;
    }
    if (v.find('=') == std::string::npos || v.front() == '=')
        throw ReportUsageError(name + " expects KEY=VALUE, got \"" + v + "\"");
    o.m_overrides.push_back(v);
}

void apply(int code, const std::string& value, const std::string& name, ReportOptions& o) {
    switch (code) {
        case 0:
            throw ReportUsageError("unexpected argument: " + value);
        case dry_run:
            o.m_dry_run = true;
            return;
        case purge:
            o.m_purge = true;
            return;
        case 'h':
            o.m_help = true;
            return;
        case 'V':
            o.m_version = true;
            return;
    }
    set_value(code, value, name, o);
}

// day_start - YYYY-MM-DD as the epoch second its UTC day starts, nullopt if not a date.
std::optional<std::int64_t> day_start(std::string_view text) {
    int year = 0;
    unsigned month = 0, day = 0;
    if (text.size() != 10 || text[4] != '-' || text[7] != '-')
        return std::nullopt;
    const auto number = [&](std::size_t at, std::size_t length, auto& out) {
        const auto end = text.data() + at + length;
        const auto result = std::from_chars(text.data() + at, end, out);
        return result.ec == std::errc() && result.ptr == end;
    };
    if (!number(0, 4, year) || !number(5, 2, month) || !number(8, 2, day))
        return std::nullopt;
    const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(month),
                                           std::chrono::day(day)};
    if (!date.ok())
        return std::nullopt;
    return std::chrono::sys_days(date).time_since_epoch().count() * kDay;
}

std::int64_t start_of(std::string_view word, std::int64_t now) {
    const std::int64_t today = now - (now % kDay + kDay) % kDay;
    if (word == "today")
        return today;
    if (word == "yesterday")
        return today - kDay;
    const auto start = day_start(word);
    if (!start)
        throw ReportUsageError(
            "--period: expected yesterday, today, YYYY-MM-DD or DAY..DAY, got \"" +
            std::string(word) + "\"");
    return *start;
}

}  // namespace

ReportOptions parse_report_options(std::span<const std::string> args) {
    ReportOptions options;
    const app::OptionSpec spec{":hVc:o:", kLong, value_name};
    const auto error =
        app::parse_with_getopt("enma-report", args, spec,
                               [&](int code, const std::string& value, const std::string& name) {
                                   apply(code, value, name, options);
                               });
    if (!error.empty())
        throw ReportUsageError(error);
    return options;
}

std::vector<Period> daily_periods(std::string_view period, std::int64_t now) {
    const auto dots = period.find("..");
    const std::int64_t first = start_of(period.substr(0, dots), now);
    const std::int64_t last =
        dots == std::string_view::npos ? first : start_of(period.substr(dots + 2), now);
    if (last < first || (last - first) / kDay >= kMaxDays)
        throw ReportUsageError("--period: the range must run forwards and span at most 366 days");
    std::vector<Period> periods;
    for (std::int64_t begin = first; begin <= last; begin += kDay)
        periods.push_back({begin, begin + kDay});
    return periods;
}

std::string report_usage_text() {
    return "usage: enma-report [OPTIONS]\n"
           "Build DMARC aggregate reports (RFC 9990) from the report store (report.store) for\n"
           "each policy domain and day, and send them to the rua= destinations.\n"
           "\n"
           "  --period P         yesterday (default), today, YYYY-MM-DD or DAY..DAY (UTC days)\n"
           "  --domain DOMAIN    only this policy domain (repeatable)\n"
           "  --dry-run          build and list the reports; send and record nothing\n"
           "  --output-dir DIR   write the .xml.gz files to DIR instead of sending mail\n"
           "  --purge            first delete records older than report.retention_days\n"
           "  --failure-report FILE  evaluate one message and send its RFC 9991 failure report\n"
           "                     when fo= asks (needs report.failure_reports); with --ip ADDR,\n"
           "                     --helo NAME, --mail-from ADDR, --rcpt ADDR as for enma-check\n"
           "  -c, --config FILE  enma.conf to read (report.*, resolver.*)\n"
           "  -o KEY=VALUE       override one configuration key (repeatable)\n"
           "  -h, --help         this text\n"
           "  -V, --version      the version\n"
           "\n"
           "Exit status: 0 done, 1 a report could not be built or sent (the next run retries),\n"
           "2 usage or configuration error. docs/reports.md has the details.\n";
}

}  // namespace enma::report
