// report_failure_sender_test.cpp - the daemon's failure reports: the trigger with its header
// copy, and the FailureSender's thread (rate limit, destination check, files, counts, drops).
#include <doctest/doctest.h>
#include <pthread.h>
#include <unistd.h>

#include <csignal>

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>

#include "app/report/failure_job.hpp"
#include "app/report/failure_sender.hpp"

using namespace enma::report;
namespace fs = std::filesystem;

namespace {

MessageRow failing_row(std::string domain, std::int64_t received_at) {
    MessageRow row;
    row.m_received_at = received_at;
    row.m_source_ip = "192.0.2.66";
    row.m_header_from = domain;
    row.m_envelope_from = "bounce.example.net";
    row.m_envelope_to = "receiver.example";
    row.m_policy_domain = domain;
    row.m_ruf = "mailto:ruf@" + domain;
    row.m_dmarc_result = "fail";
    row.m_disposition = "none";
    row.m_spf_result = "fail";
    return row;
}

FailureJob job_for(std::string domain, std::int64_t received_at) {
    HeaderCopy headers;
    headers.add("From", " Alice <alice@" + domain + ">");
    headers.add("Subject", " hi");
    auto job = failure_job(failing_row(domain, received_at), "r.example; dmarc=fail", headers);
    REQUIRE(job.has_value());
    return std::move(*job);
}

struct Sandbox {
    Sandbox()
        : m_dir(fs::temp_directory_path() / ("enma-failure-sender-" + std::to_string(getpid()))) {
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
    }
    ~Sandbox() { fs::remove_all(m_dir); }
    std::vector<std::string> files() const {
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(m_dir))
            names.push_back(entry.path().filename().string());
        std::sort(names.begin(), names.end());
        return names;
    }
    std::string read(const std::string& name) const {
        std::ifstream in(m_dir / name, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
    fs::path m_dir;
};

FailureSenderOptions options_for(const Sandbox& box, int limit, std::size_t queue = 100) {
    FailureSenderOptions options;
    options.m_queue_size = queue;
    options.m_limit = limit;
    options.m_directory = box.m_dir.string();
    options.m_from = "dmarc@receiver.example";
    options.m_reporter_domain = "receiver.example";
    options.m_user_agent = "enma/test";
    return options;
}

DestinationVerdict internal_only(const std::string& domain, const std::string& host) {
    return is_external(domain, host) ? DestinationVerdict::refused : DestinationVerdict::internal;
}

}  // namespace

TEST_CASE("failure_job: only when fo= asks and ruf= names a destination; header bounded") {
    HeaderCopy headers;
    headers.add("From", " a@example.com");
    auto row = failing_row("example.com", 100);
    row.m_ruf.clear();
    CHECK_FALSE(failure_job(row, "", headers).has_value());
    row = failing_row("example.com", 100);
    row.m_spf_aligned = true;  // fo=0 (default): an aligned pass, no report
    CHECK_FALSE(failure_job(row, "", headers).has_value());
    row.m_fo = "1";
    const auto job = failure_job(row, "ar", headers);
    REQUIRE(job.has_value());
    CHECK(job->m_headers == HeaderFields{{"From", " a@example.com"}});
    CHECK(job->m_authentication_results == "ar");
    HeaderCopy big;
    big.add("X-Big", std::string(HeaderCopy::kMaxBytes, 'x'));
    big.add("From", " a@example.com");
    CHECK(big.truncated());
    CHECK(big.take().empty());
    CHECK_FALSE(big.truncated());  // take() starts the next message afresh
}

TEST_CASE("FailureSender: reports written, rate-limited per domain and hour, counted") {
    Sandbox box;
    FailureSender sender(options_for(box, 2), internal_only, nullptr);
    CHECK(sender.offer(job_for("example.com", 1000)));
    CHECK(sender.offer(job_for("example.com", 1001)));
    CHECK(sender.offer(job_for("example.com", 1002)));  // third in the hour: limited
    CHECK(sender.offer(job_for("other.example", 1003)));
    CHECK(sender.offer(job_for("example.com", 4600)));  // the next hour
    sender.stop(std::chrono::seconds(30));
    const auto counts = sender.counts();
    CHECK(counts.m_sent == 4);
    CHECK(counts.m_rate_limited == 1);
    CHECK(counts.m_dropped == 0);
    CHECK(counts.m_refused == 0);
    const auto files = box.files();
    CHECK(files == std::vector<std::string>{"failure!example.com!1000!1!example.com.eml",
                                            "failure!example.com!1001!2!example.com.eml",
                                            "failure!example.com!4600!5!example.com.eml",
                                            "failure!other.example!1003!4!other.example.eml"});
    const auto report = box.read(files.front());
    for (const std::string field :
         {"To: ruf@example.com\r\n", "From: dmarc@receiver.example\r\n",
          "Feedback-Type: auth-failure\r\n", "Reported-Domain: example.com\r\n",
          "Source-IP: 192.0.2.66\r\n", "From: Alice <redacted@example.com>\r\n",
          "Authentication-Results: r.example; dmarc=fail\r\n", "User-Agent: enma/test\r\n"}) {
        CAPTURE(field);
        CHECK(report.find(field) != std::string::npos);
    }
    CHECK(report.find("alice@") == std::string::npos);
}

TEST_CASE("FailureSender: external ruf= destinations need their _report._dmarc record") {
    Sandbox box;
    FailureSender sender(options_for(box, 10), internal_only, nullptr);
    auto job = job_for("example.com", 1000);
    job.m_row.m_ruf = "mailto:ruf@elsewhere.example, mailto:ruf@example.com, http://x.example/";
    CHECK(sender.offer(std::move(job)));
    sender.stop(std::chrono::seconds(30));
    const auto counts = sender.counts();
    CHECK(counts.m_sent == 1);
    CHECK(counts.m_refused == 1);
    CHECK(box.files() == std::vector<std::string>{"failure!example.com!1000!1!example.com.eml"});
}

TEST_CASE("FailureSender: a full queue drops jobs (counted) and never waits") {
    Sandbox box;
    std::mutex mutex;
    std::condition_variable cv;
    bool release = false, checking = false;
    auto blocking = [&](const std::string& domain, const std::string& host) {
        std::unique_lock lock(mutex);
        checking = true;
        cv.notify_all();
        cv.wait(lock, [&] { return release; });
        return internal_only(domain, host);
    };
    FailureSender sender(options_for(box, 100, 1), blocking, nullptr);
    CHECK(sender.offer(job_for("example.com", 1000)));  // taken by the thread, which blocks
    {
        std::unique_lock lock(mutex);
        cv.wait(lock, [&] { return checking; });
    }
    CHECK(sender.offer(job_for("example.com", 1001)));        // fills the queue of one
    CHECK_FALSE(sender.offer(job_for("example.com", 1002)));  // dropped
    CHECK_FALSE(sender.offer(job_for("example.com", 1003)));  // dropped
    {
        std::lock_guard lock(mutex);
        release = true;
    }
    cv.notify_all();
    sender.stop(std::chrono::seconds(30));
    const auto counts = sender.counts();
    CHECK(counts.m_sent == 2);
    CHECK(counts.m_dropped == 2);
    CHECK_FALSE(sender.offer(job_for("example.com", 1004)));  // stopped: dropped
    CHECK(sender.counts().m_dropped == 3);
}

TEST_CASE("FailureSender: a failing sendmail is counted as failed") {
    Sandbox box;
    auto options = options_for(box, 10);
    options.m_directory.clear();
    options.m_sendmail = "/bin/false";
    FailureSender sender(options, internal_only, nullptr);
    CHECK(sender.offer(job_for("example.com", 1000)));
    sender.stop(std::chrono::seconds(30));
    CHECK(sender.counts().m_failed == 1);
    CHECK(sender.counts().m_sent == 0);
}

TEST_CASE("FailureSender: sendmail gets the report with -t -oi -f, no blocked signals, no fd") {
    Sandbox box;
    const auto script = box.m_dir / "sendmail.sh";
    const auto out = box.m_dir / "mail";
    {
        std::ofstream s(script);
        // Builtins only for the mask: dash blocks every signal while it forks a child such as
        // grep, so a child reading /proc/$$/status may catch that moment instead of the mask
        // sendmail was started with.
        s << "#!/bin/sh\nwhile read -r line; do case $line in SigBlk*) echo \"$line\";; esac; "
          << "done < /proc/$$/status > " << out.string() << ".sig\necho \"$@\" > " << out.string()
          << ".args\nif [ -e /proc/$$/fd/100 ]; then echo inherited; else echo none; fi > "
          << out.string() << ".fds\ncat > " << out.string() << "\n";
    }
    // A descriptor of enma's without close-on-exec (an MTA connection) must not reach it.
    REQUIRE(dup2(STDOUT_FILENO, 100) == 100);
    fs::permissions(script, fs::perms::owner_all);
    // The daemon blocks its handled signals in every thread; the sender thread inherits that.
    sigset_t blocked, previous;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGTERM);
    sigaddset(&blocked, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &blocked, &previous);
    auto options = options_for(box, 10);
    options.m_directory.clear();
    options.m_sendmail = script.string();
    FailureSender sender(options, internal_only, nullptr);
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    CHECK(sender.offer(job_for("example.com", 1000)));
    sender.stop(std::chrono::seconds(30));
    CHECK(sender.counts().m_sent == 1);
    CHECK(box.read("mail.args") == "-t -oi -f dmarc@receiver.example\n");
    CHECK(box.read("mail.sig") == "SigBlk:\t0000000000000000\n");
    CHECK(box.read("mail.fds") == "none\n");
    close(100);
    CHECK(box.read("mail").find("Feedback-Type: auth-failure\r\n") != std::string::npos);
}
