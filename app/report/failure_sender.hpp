// failure_sender.hpp - the daemon's RFC 9991 failure reports, sent off the milter path.
//
// Threads: offer() is called by any milter thread at end of message and never waits: it
// moves the job into a bounded queue, or drops it (queue full, or stopping), counting it
// (outcome "dropped") and logging "failure_report.dropped" at most every kDropLogEvery.
// One sender thread takes the jobs in order and, for each mailto: URI of the policy's ruf=:
// applies the rate limit per policy domain (report.failure_limit an hour, counted by the
// message's arrival time), verifies an external destination (RFC 9990's _report._dmarc check
// through the DestinationChecker, which may wait on DNS: only this thread waits), builds the
// redacted report (failure_report.hpp) and submits it to report.smtp (smtp_client.hpp: this
// thread may wait on the relay, each step bounded by a timeout), hands it to report.sendmail,
// or writes it into report.failure_dir. Each decision is one "failure_report" log record and one
// count. stop() (SIGTERM, after the milter drained) closes the queue; the thread sends what is
// queued until the deadline, and drops (counts) the rest.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "app/common/metrics.hpp"
#include "app/report/destination_check.hpp"
#include "app/report/failure_job.hpp"
#include "app/report/failure_report.hpp"
#include "app/report/report_uri.hpp"
#include "conf/config.hpp"

namespace enma::report {

struct FailureSenderOptions {
    std::size_t m_queue_size = 1000;  // report.failure_queue_size
    int m_limit = 10;                 // report.failure_limit, per policy domain and hour
    std::string m_sendmail;           // report.sendmail
    conf::SmtpRelay m_smtp;           // report.smtp; set: sent over SMTP, not m_sendmail
    std::string m_directory;          // report.failure_dir; "" sends (m_smtp or m_sendmail)
    std::string m_from;               // report.email
    std::string m_reporter_domain;    // report.domain, or report.email's domain
    std::string m_user_agent;         // "enma/<version>"
};

// failure_sender_options - the report.* keys of `config`.
FailureSenderOptions failure_sender_options(const conf::Config& config);

class FailureSender {
public:
    static constexpr std::chrono::seconds kDropLogEvery{10};
    static constexpr std::int64_t kWindow = 3600;  // the rate limit's window, seconds

    // FailureSender - starts the sender thread. `metrics` may be null.
    FailureSender(FailureSenderOptions options, DestinationChecker checker,
                  std::shared_ptr<app::Metrics> metrics);
    ~FailureSender();
    FailureSender(const FailureSender&) = delete;
    FailureSender& operator=(const FailureSender&) = delete;

    // offer - `job` queued (true) or dropped and counted (false); never waits.
    bool offer(FailureJob job);
    // stop - no more jobs; what is queued is sent until `timeout`, the rest dropped. Joins the
    // thread; later calls do nothing.
    void stop(std::chrono::milliseconds timeout);

    struct Counts {
        std::uint64_t m_sent = 0, m_dropped = 0, m_rate_limited = 0, m_refused = 0, m_failed = 0;
    };
    Counts counts() const;

private:
    void run();
    bool next(FailureJob& job);
    void send(FailureJob& job);
    void send_to(const FailureJob& job, const ReportUri& uri, std::uint64_t number);
    void outcome(const FailureJob& job, std::string_view uri, std::string_view outcome,
                 std::string_view why = {});
    void note_dropped(std::string_view reason, std::string_view domain);

    const FailureSenderOptions m_options;
    const DestinationChecker m_checker;
    const std::shared_ptr<app::Metrics> m_metrics;
    FailureRateLimit m_limit;    // the sender thread's
    std::uint64_t m_number = 0;  // jobs taken, for unique file names (the sender thread's)
    mutable std::mutex m_mutex;  // guards everything below
    std::condition_variable m_ready;
    std::deque<FailureJob> m_jobs;
    bool m_stopping = false;
    std::chrono::steady_clock::time_point m_deadline{};
    Counts m_counts;
    std::chrono::steady_clock::time_point m_last_drop_log{};
    std::thread m_thread;  // last: starts when everything above exists
};

}  // namespace enma::report
