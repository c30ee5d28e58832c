// report_run_test.cpp - enma-report's run loop over a store: what is sent where, the message
// the sendmail program receives, refusals, deferrals, failures retried, and a second run
// sending nothing. The store here is an in-memory ReportStore (a test double, kept in this
// file).
// The sendmail program is a shell script named by report.sendmail that records what it got.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "app/enma-report/report_options.hpp"
#include "app/enma-report/report_run.hpp"

using namespace enma::report;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kFirstDay = 1795651200;  // 2026-11-26

// MemoryStore - rows and sent records in maps; ordering as report_store.hpp promises.
class MemoryStore : public ReportStore {
public:
    void append(std::span<const MessageRow> rows) override {
        m_rows.insert(m_rows.end(), rows.begin(), rows.end());
    }
    std::vector<std::string> policy_domains(std::int64_t begin, std::int64_t end) override {
        std::set<std::string> domains;
        for (const auto& r : m_rows)
            if (r.m_received_at >= begin && r.m_received_at < end)
                domains.insert(r.m_policy_domain);
        return {domains.begin(), domains.end()};
    }
    void for_each_message(std::string_view domain, std::int64_t begin, std::int64_t end,
                          const std::function<void(const MessageRow&)>& visit) override {
        for (const auto& r : m_rows)
            if (r.m_policy_domain == domain && r.m_received_at >= begin && r.m_received_at < end)
                visit(r);
    }
    bool was_sent(std::string_view domain, std::int64_t begin, std::string_view dest) override {
        return m_sent.contains({std::string(domain), begin, std::string(dest)});
    }
    void mark_sent(const SentRow& row) override {
        m_sent[{row.m_policy_domain, row.m_period_begin, row.m_destination}] = row;
    }
    std::int64_t purge_before(std::int64_t) override { return 0; }

    std::vector<MessageRow> m_rows;
    std::map<std::tuple<std::string, std::int64_t, std::string>, SentRow> m_sent;
};

MessageRow row(std::string domain, std::string rua, std::int64_t at) {
    MessageRow r;
    r.m_seq = at;
    r.m_received_at = at;
    r.m_source_ip = "192.0.2.1";
    r.m_header_from = domain;
    r.m_envelope_from = domain;
    r.m_policy_domain = domain;
    r.m_p = "none";
    r.m_rua = std::move(rua);
    r.m_dmarc_result = "pass";
    r.m_disposition = "none";
    r.m_spf_domain = domain;
    r.m_spf_result = "pass";
    return r;
}

// Sandbox - a temporary directory with a sendmail script that appends its arguments and
// input to sent.log, or fails when the file "fail" exists.
struct Sandbox {
    Sandbox() : m_dir(fs::temp_directory_path() / ("enma-report-run-" + std::to_string(getpid()))) {
        fs::remove_all(m_dir);
        fs::create_directories(m_dir / "out");
        std::ofstream(m_dir / "sendmail")
            << "#!/bin/sh\n"
            << "[ -e '" << (m_dir / "fail").string() << "' ] && exit 75\n"
            << "echo \"ARGS $*\" >> '" << log() << "'\ncat >> '" << log() << "'\n";
        fs::permissions(m_dir / "sendmail", fs::perms::owner_all);
    }
    ~Sandbox() { fs::remove_all(m_dir); }
    std::string log() const { return (m_dir / "sent.log").string(); }
    std::string sent() const {
        std::ifstream in(log());
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }
    RunSettings settings() const {
        RunSettings s;
        s.m_reporter = {"Receiver", "dmarc@receiver.example", "", "receiver.example", ""};
        s.m_sendmail = (m_dir / "sendmail").string();
        s.m_now = kFirstDay + 2 * kDay;
        return s;
    }
    fs::path m_dir;
};

// checker - example.net verifies, broken.example is a DNS failure, the rest is refused.
DestinationVerdict checker(const std::string& domain, const std::string& host) {
    if (!is_external(domain, host))
        return DestinationVerdict::internal;
    if (host == "example.net")
        return DestinationVerdict::verified;
    return host == "broken.example" ? DestinationVerdict::temporary : DestinationVerdict::refused;
}

std::string run_once(MemoryStore& store, const RunSettings& settings, RunTally* tally = nullptr) {
    std::ostringstream out;
    ReportRun run(store, checker, settings, out);
    run.run_period({kFirstDay, kFirstDay + kDay});
    if (tally)
        *tally = run.tally();
    return out.str();
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

}  // namespace

TEST_CASE("a run sends each destination once; a second run sends nothing") {
    Sandbox box;
    MemoryStore store;
    store.m_rows = {
        row("example.com", "mailto:dmarc@example.com, mailto:agg@example.net", kFirstDay + 10),
        row("example.com", "mailto:dmarc@example.com, mailto:agg@example.net", kFirstDay + 20),
        row("example.org", "mailto:r@elsewhere.example", kFirstDay + 30),
        row("example.com", "mailto:dmarc@example.com", kFirstDay + kDay + 5)};
    RunTally tally;
    const std::string lines = run_once(store, box.settings(), &tally);
    CHECK(tally.m_sent == 2);
    CHECK(tally.m_refused == 1);
    CHECK(lines.find("sent example.com 2026-11-26 mailto:dmarc@example.com "
                     "1795651200.example.com@receiver.example (internal)\n") != std::string::npos);
    CHECK(lines.find("sent example.com 2026-11-26 mailto:agg@example.net "
                     "1795651200.example.com@receiver.example (verified)\n") != std::string::npos);
    CHECK(lines.find("refused example.org 2026-11-26 mailto:r@elsewhere.example") !=
          std::string::npos);
    const std::string sent = box.sent();
    CHECK(count(sent, "ARGS -t -oi -f dmarc@receiver.example\n") == 2);
    CHECK(sent.find("To: dmarc@example.com\r\n") != std::string::npos);
    CHECK(sent.find("To: agg@example.net\r\n") != std::string::npos);
    CHECK(sent.find("r@elsewhere.example") == std::string::npos);
    CHECK(sent.find("filename=\"receiver.example!example.com!1795651200!1795737599.xml.gz\"") !=
          std::string::npos);
    REQUIRE(store.m_sent.size() == 3);
    CHECK(store.m_sent.at({"example.org", kFirstDay, "mailto:r@elsewhere.example"}).m_status ==
          "refused");
    CHECK(store.m_sent.at({"example.com", kFirstDay, "mailto:agg@example.net"}).m_report_id ==
          "1795651200.example.com@receiver.example");

    const std::string again = run_once(store, box.settings(), &tally);
    CHECK(tally.m_sent == 0);
    CHECK(tally.m_already == 3);
    CHECK(count(again, "already ") == 3);
    CHECK(box.sent() == sent);  // nothing more reached sendmail
}

TEST_CASE("a failed delivery or a DNS failure is not recorded and the next run retries") {
    Sandbox box;
    MemoryStore store;
    store.m_rows = {row("example.com", "mailto:d@example.com", kFirstDay + 10),
                    row("other.example", "mailto:x@broken.example", kFirstDay + 20)};
    std::ofstream(box.m_dir / "fail") << "";
    RunTally tally;
    const std::string lines = run_once(store, box.settings(), &tally);
    CHECK(tally.m_failed == 1);
    CHECK(tally.m_deferred == 1);
    CHECK(lines.find("exited with status 75") != std::string::npos);
    CHECK(store.m_sent.empty());
    fs::remove(box.m_dir / "fail");
    run_once(store, box.settings(), &tally);
    CHECK(tally.m_sent == 1);
    CHECK(tally.m_deferred == 1);
    CHECK(store.m_sent.size() == 1);
}

TEST_CASE("dry runs record nothing; output directories get files once") {
    Sandbox box;
    MemoryStore store;
    store.m_rows = {row("example.com", "mailto:d@example.com!10k", kFirstDay + 10),
                    row("example.org", "mailto:d@example.org!100", kFirstDay + 10)};
    auto settings = box.settings();
    settings.m_dry_run = true;
    const std::string dry = run_once(store, settings);
    CHECK(dry.find("would-send example.com") != std::string::npos);
    CHECK(dry.find("refused example.org") != std::string::npos);  // over its 100-byte limit
    CHECK(store.m_sent.empty());
    CHECK(box.sent().empty());

    settings.m_dry_run = false;
    settings.m_output_dir = (box.m_dir / "out").string();
    RunTally tally;
    run_once(store, settings, &tally);
    CHECK(tally.m_sent == 2);
    CHECK(fs::exists(box.m_dir / "out" /
                     "receiver.example!example.com!1795651200!1795737599.xml.gz"));
    CHECK(store.m_sent.contains({"example.com", kFirstDay, "file:" + settings.m_output_dir}));
    run_once(store, settings, &tally);
    CHECK(tally.m_already == 2);
    CHECK(box.sent().empty());
}

TEST_CASE("--domain limits the run; periods are whole UTC days") {
    Sandbox box;
    MemoryStore store;
    store.m_rows = {row("example.com", "mailto:d@example.com", kFirstDay + 10),
                    row("example.org", "mailto:d@example.org", kFirstDay + 10)};
    auto settings = box.settings();
    settings.m_domains = {"example.org"};
    RunTally tally;
    run_once(store, settings, &tally);
    CHECK(tally.m_sent == 1);
    CHECK(store.m_sent.contains({"example.org", kFirstDay, "mailto:d@example.org"}));

    CHECK(daily_periods("2026-11-26", 0).at(0).m_begin == kFirstDay);
    const auto week = daily_periods("2026-11-26..2026-12-02", 0);
    REQUIRE(week.size() == 7);
    CHECK(week.back().m_end == kFirstDay + 7 * kDay);
    const auto yesterday = daily_periods("yesterday", kFirstDay + 3600);
    CHECK(yesterday.at(0).m_begin == kFirstDay - kDay);
    CHECK_THROWS_AS(daily_periods("2026-02-30", 0), ReportUsageError);
    CHECK_THROWS_AS(daily_periods("2026-12-02..2026-11-26", 0), ReportUsageError);
    CHECK_THROWS_AS(daily_periods("last week", 0), ReportUsageError);
}

TEST_CASE("the command line") {
    const std::vector<std::string> args{
        "--period=2026-11-26", "--domain", "example.com",     "--dry-run",
        "--output-dir",        "/tmp/x",   "--purge",         "-c",
        "/etc/enma/enma.conf", "-o",       "report.email=a@b"};
    const auto options = parse_report_options(args);
    CHECK(options.m_period == "2026-11-26");
    CHECK(options.m_domains == std::vector<std::string>{"example.com"});
    CHECK(options.m_dry_run);
    CHECK(options.m_output_dir == "/tmp/x");
    CHECK(options.m_purge);
    CHECK(options.m_config_file == "/etc/enma/enma.conf");
    CHECK(options.m_overrides == std::vector<std::string>{"report.email=a@b"});
    CHECK_THROWS_WITH_AS(parse_report_options(std::vector<std::string>{"--bogus"}),
                         "unknown option --bogus", ReportUsageError);
    CHECK_THROWS_AS(parse_report_options(std::vector<std::string>{"extra"}), ReportUsageError);
    CHECK(parse_report_options(std::vector<std::string>{"-h"}).m_help);
}
