// enma_report_main.cpp - enma-report: DMARC aggregate reports (RFC 9990) from the report
// store, built per policy domain and UTC day and sent to the rua= destinations.
//
//   enma-report [-c FILE] [-o KEY=VALUE]... [--period P] [--domain D]... [--dry-run]
//               [--output-dir DIR] [--purge]
//   enma-report --failure-report FILE [--ip ADDR] [--mail-from ADDR] ... (RFC 9991)
//
// Reads the daemon's enma.conf (report.*, resolver.*), opens report.store, and prints one
// line per decision (report_run.hpp). Meant for cron or a systemd timer after midnight UTC
// (packaging/enma-report.timer); a re-run sends nothing twice.
// Exit status: 0 done, 1 something failed or was deferred (the next run retries), 2 usage,
// configuration or store error.
#include <ctime>
#include <exception>
#include <iostream>
#include <memory>

#include "app/common/runtime.hpp"
#include "app/common/version.hpp"
#include "app/enma-report/failure_from_file.hpp"
#include "app/enma-report/report_options.hpp"
#include "app/enma-report/report_run.hpp"
#include "conf/config_error.hpp"
#include "conf/config_loader.hpp"
#include "coro/scheduler.hpp"
#include "coro/sync_wait.hpp"

using namespace enma;

namespace {

constexpr int kExitDone = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr std::int64_t kDay = 86400;

// Checker - the program's DestinationChecker: enma's own resolver (resolver.* keys) on a
// scheduler thread, created on first use and released on the loop thread.
class Checker {
public:
    explicit Checker(const conf::Config& config) : m_config(config) {}
    ~Checker() {
        if (!m_resolver)
            return;
        coro::sync_wait(m_scheduler, release(m_resolver));
        m_scheduler.stop();
    }
    report::DestinationVerdict operator()(const std::string& domain, const std::string& host) {
        if (!m_resolver) {
            m_scheduler.start();
            m_resolver = app::make_unbound_resolver(m_scheduler, m_config);
        }
        return coro::sync_wait(m_scheduler, report::verify_destination(*m_resolver, domain, host));
    }

private:
    static coro::Task<void> release(std::shared_ptr<resolver::Resolver>& resolver) {
        resolver.reset();
        co_return;
    }

    const conf::Config& m_config;
    coro::Scheduler m_scheduler;
    std::shared_ptr<resolver::Resolver> m_resolver;
};

report::RunSettings settings_from(const report::ReportOptions& options, const conf::Config& config,
                                  std::int64_t now) {
    const auto& sender = config.m_report_sender;
    report::RunSettings settings;
    settings.m_reporter = {sender.m_org_name, sender.m_email, sender.m_extra_contact_info,
                           report::receiver_domain(sender.m_domain, sender.m_email),
                           std::string("enma ") + app::kVersion};
    settings.m_sendmail = sender.m_sendmail;
    settings.m_smtp = sender.m_smtp;
    settings.m_output_dir = options.m_output_dir;
    settings.m_dry_run = options.m_dry_run;
    settings.m_domains = options.m_domains;
    settings.m_now = now;
    return settings;
}

// check_config - what a run needs beyond the key syntax; "" when all is there.
std::string check_config(const report::ReportOptions& options, const conf::Config& config) {
    const auto& sender = config.m_report_sender;
    if (!options.m_failure_report.empty() && !sender.m_failure_reports)
        return "report.failure_reports is false: failure reports are off";
    if (options.m_failure_report.empty() && config.m_report.m_store.empty())
        return "report.store is empty: there is no store to report from";
    if (sender.m_org_name.empty() || sender.m_email.empty())
        return "report.org_name and report.email are required to build reports";
    if (report::receiver_domain(sender.m_domain, sender.m_email).empty())
        return "report.domain is empty and report.email has no domain";
    return "";
}

int run_failure_report(const report::ReportOptions& options, const conf::Config& config) {
    const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
    const report::FailureFileRequest request{
        options.m_failure_report, options.m_ip,         options.m_helo,   options.m_mail_from,
        options.m_rcpt,           options.m_output_dir, options.m_dry_run};
    Checker checker(config);
    return report::report_failure_file(
        request, config, settings_from(options, config, now),
        [&](const std::string& d, const std::string& h) { return checker(d, h); }, std::cout);
}

int run(const report::ReportOptions& options, const conf::Config& config) {
    if (!options.m_failure_report.empty())
        return run_failure_report(options, config);
    const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
    const auto periods = report::daily_periods(options.m_period, now);
    auto store = report::open_store(config.m_report.m_store);
    if (options.m_purge && config.m_report_sender.m_retention_days > 0) {
        const std::int64_t before = now - config.m_report_sender.m_retention_days * kDay;
        std::cout << "purged " << store->purge_before(before) << " message(s)\n";
    }
    Checker checker(config);
    report::ReportRun report_run(
        *store, [&](const std::string& d, const std::string& h) { return checker(d, h); },
        settings_from(options, config, now), std::cout);
    for (const auto& period : periods)
        report_run.run_period(period);
    const auto& tally = report_run.tally();
    return (tally.m_failed > 0 || tally.m_deferred > 0) ? kExitFailed : kExitDone;
}

int usage_error(const std::string& message) {
    std::cerr << "enma-report: " << message << "\nTry 'enma-report -h' for more information."
              << std::endl;
    return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    report::ReportOptions options;
    try {
        options = report::parse_report_options(args);
        report::daily_periods(options.m_period, 0);
    } catch (const report::ReportUsageError& error) {
        return usage_error(error.what());
    }
    if (options.m_version || options.m_help) {
        std::cout << "enma-report " << app::kVersion << '\n'
                  << (options.m_help ? report::report_usage_text() : "");
        return kExitDone;
    }
    conf::Config config;
    try {
        config = conf::load_config(options.m_config_file, options.m_overrides);
    } catch (const conf::ConfigError& error) {
        std::cerr << "enma-report: " << error.what() << std::endl;
        return kExitUsage;
    }
    if (const auto problem = check_config(options, config); !problem.empty()) {
        std::cerr << "enma-report: " << problem << std::endl;
        return kExitUsage;
    }
    try {
        return run(options, config);
    } catch (const report::StoreError& error) {
        std::cerr << "enma-report: store: " << error.what() << std::endl;
        return kExitUsage;
    } catch (const std::exception& error) {
        std::cerr << "enma-report: " << error.what() << std::endl;
        return kExitFailed;
    }
}
