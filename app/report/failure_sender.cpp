// failure_sender.cpp - the sender thread: rate limit, destination check, build, deliver.
#include "app/report/failure_sender.hpp"

#include <ctime>

#include "app/common/logging.hpp"
#include "app/common/version.hpp"
#include "app/report/delivery.hpp"

namespace enma::report {

FailureSenderOptions failure_sender_options(const conf::Config& config) {
    const auto& sender = config.m_report_sender;
    FailureSenderOptions options;
    options.m_queue_size = static_cast<std::size_t>(sender.m_failure_queue_size);
    options.m_limit = sender.m_failure_limit;
    options.m_sendmail = sender.m_sendmail;
    options.m_smtp = sender.m_smtp;
    options.m_directory = sender.m_failure_dir;
    options.m_from = sender.m_email;
    const auto at = sender.m_email.rfind('@');
    options.m_reporter_domain = !sender.m_domain.empty()  ? sender.m_domain
                                : at == std::string::npos ? sender.m_email
                                                          : sender.m_email.substr(at + 1);
    options.m_user_agent = std::string("enma/") + app::kVersion;
    return options;
}

FailureSender::FailureSender(FailureSenderOptions options, DestinationChecker checker,
                             std::shared_ptr<app::Metrics> metrics)
    : m_options(std::move(options)),
      m_checker(std::move(checker)),
      m_metrics(std::move(metrics)),
      m_limit(m_options.m_limit, kWindow),
      m_thread([this] { run(); }) {}

FailureSender::~FailureSender() {
    stop(std::chrono::milliseconds(0));
}

bool FailureSender::offer(FailureJob job) {
    std::string_view reason;
    {
        std::lock_guard lock(m_mutex);
        if (!m_stopping && m_jobs.size() < m_options.m_queue_size) {
            m_jobs.push_back(std::move(job));
            m_ready.notify_one();
            return true;
        }
        reason = m_stopping ? "stopping" : "queue full";
    }
    note_dropped(reason, job.m_row.m_policy_domain);
    return false;
}

void FailureSender::stop(std::chrono::milliseconds timeout) {
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping)
            return;
        m_stopping = true;
        m_deadline = std::chrono::steady_clock::now() + timeout;
    }
    m_ready.notify_all();
    m_thread.join();
}

FailureSender::Counts FailureSender::counts() const {
    std::lock_guard lock(m_mutex);
    return m_counts;
}

void FailureSender::run() {
    FailureJob job;
    while (next(job))
        send(job);
}

// next - the next job; false when stopped and the queue is empty, or past the deadline (the
// jobs left are dropped and counted).
bool FailureSender::next(FailureJob& job) {
    std::unique_lock lock(m_mutex);
    m_ready.wait(lock, [&] { return m_stopping || !m_jobs.empty(); });
    if (m_stopping && !m_jobs.empty() && std::chrono::steady_clock::now() >= m_deadline) {
        const auto left = m_jobs.size();
        m_jobs.clear();
        m_counts.m_dropped += left;
        lock.unlock();
        app::emit(spdlog::level::warn, app::LogRecord("failure_report.dropped")
                                           .add("reason", "stopped")
                                           .add("count", static_cast<std::int64_t>(left)));
        for (std::size_t i = 0; i < left && m_metrics; ++i)
            m_metrics->failure_report("dropped");
        return false;
    }
    if (m_jobs.empty())
        return false;
    job = std::move(m_jobs.front());
    m_jobs.pop_front();
    return true;
}

void FailureSender::send(FailureJob& job) {
    const auto number = ++m_number;
    const auto uris = parse_report_uris(job.m_row.m_ruf);
    for (const auto& skipped : uris.m_skipped)
        app::emit(spdlog::level::info, app::LogRecord("failure_report")
                                           .add("status", "skipped")
                                           .add("policy_domain", job.m_row.m_policy_domain)
                                           .add("why", skipped));
    for (const auto& uri : uris.m_uris) {
        if (!m_limit.allow(job.m_row.m_policy_domain, job.m_row.m_received_at)) {
            outcome(job, uri.m_uri, "rate_limited");
            continue;
        }
        send_to(job, uri, number);
    }
}

// send_to - one destination: verified, built, delivered.
void FailureSender::send_to(const FailureJob& job, const ReportUri& uri, std::uint64_t number) {
    const auto verdict = m_checker(job.m_row.m_policy_domain, uri.m_host);
    if (verdict == DestinationVerdict::refused) {
        outcome(job, uri.m_uri, "refused", "no _report._dmarc authorisation");
        return;
    }
    if (verdict == DestinationVerdict::temporary) {
        outcome(job, uri.m_uri, "failed", "DNS failure verifying the destination");
        return;
    }
    FailureInput input{m_options.m_reporter_domain,
                       m_options.m_from,
                       uri.m_address,
                       m_options.m_user_agent,
                       job.m_authentication_results,
                       job.m_headers,
                       static_cast<std::int64_t>(std::time(nullptr))};
    MessageRow row = job.m_row;
    row.m_seq = static_cast<std::int64_t>(number);  // the MIME boundary
    const std::string message = failure_report_message(row, input);
    const std::string name = "failure!" + row.m_policy_domain + "!" +
                             std::to_string(row.m_received_at) + "!" + std::to_string(number) +
                             "!" + uri.m_host + ".eml";
    const auto error = m_options.m_directory.empty()
                           ? send_report_mail({m_options.m_sendmail, m_options.m_smtp},
                                              m_options.m_from, uri.m_address, message)
                           : write_report_file(m_options.m_directory, name, message);
    if (error.empty())
        outcome(job, uri.m_uri, "sent");
    else
        outcome(job, uri.m_uri, "failed", error);
}

void FailureSender::outcome(const FailureJob& job, std::string_view uri, std::string_view what,
                            std::string_view why) {
    {
        std::lock_guard lock(m_mutex);
        auto& counts = m_counts;
        (what == "sent"           ? counts.m_sent
         : what == "rate_limited" ? counts.m_rate_limited
         : what == "refused"      ? counts.m_refused
                                  : counts.m_failed) += 1;
    }
    if (m_metrics)
        m_metrics->failure_report(std::string(what));
    app::LogRecord record("failure_report");
    record.add("status", what)
        .add("policy_domain", job.m_row.m_policy_domain)
        .add("destination", uri)
        .add("source_ip", job.m_row.m_source_ip);
    if (!why.empty())
        record.add("why", why);
    app::emit(what == "sent" ? spdlog::level::info : spdlog::level::warn, record);
}

// note_dropped - counted always; logged at most every kDropLogEvery (a flood of failing mail
// drops at the message rate).
void FailureSender::note_dropped(std::string_view reason, std::string_view domain) {
    const auto now = std::chrono::steady_clock::now();
    std::uint64_t total = 0;
    {
        std::lock_guard lock(m_mutex);
        total = ++m_counts.m_dropped;
        if (m_last_drop_log != std::chrono::steady_clock::time_point{} &&
            now - m_last_drop_log < kDropLogEvery)
            total = 0;
        else
            m_last_drop_log = now;
    }
    if (m_metrics)
        m_metrics->failure_report("dropped");
    if (total != 0)
        app::emit(spdlog::level::warn, app::LogRecord("failure_report.dropped")
                                           .add("reason", reason)
                                           .add("policy_domain", domain)
                                           .add("dropped_total", static_cast<std::int64_t>(total)));
}

}  // namespace enma::report
