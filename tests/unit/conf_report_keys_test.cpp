// conf_report_keys_test.cpp - report.*: the store's two forms, what is refused, and the rule
// that recording needs DMARC.
#include <doctest/doctest.h>

#include "conf/config_error.hpp"
#include "conf/config_loader.hpp"

using enma::conf::ConfigError;
using enma::conf::parse_config_text;

TEST_CASE("report.store takes sqlite:PATH and postgresql:CONNINFO, blanks included") {
    auto config = parse_config_text(
        "dmarc.auth: true\nreport.store: sqlite:/var/lib/enma/dmarc.db\nreport.queue_size: 50\n",
        "t.conf");
    CHECK(config.m_report.m_store == "sqlite:/var/lib/enma/dmarc.db");
    CHECK(config.m_report.m_queue_size == 50);
    CHECK(config.m_report.m_node.empty());
    config = parse_config_text(
        "dmarc.auth: true\nreport.store: postgresql:host=db.example dbname=dmarc user=enma\n"
        "report.node: mx1\n",
        "t.conf");
    CHECK(config.m_report.m_store == "postgresql:host=db.example dbname=dmarc user=enma");
    CHECK(config.m_report.m_node == "mx1");
    CHECK(parse_config_text("", "t.conf").m_report.m_store.empty());  // off by default
    CHECK(parse_config_text("", "t.conf").m_report.m_queue_size == 10000);
}

TEST_CASE("report.store refuses other forms, and recording without dmarc.auth") {
    CHECK_THROWS_WITH_AS(parse_config_text("dmarc.auth: true\nreport.store: mysql:x\n", "t.conf"),
                         doctest::Contains("expected sqlite:/PATH or postgresql:CONNINFO"),
                         ConfigError);
    CHECK_THROWS_AS(
        parse_config_text("dmarc.auth: true\nreport.store: sqlite:dmarc.db\n", "t.conf"),
        ConfigError);  // not an absolute path
    CHECK_THROWS_AS(parse_config_text("dmarc.auth: true\nreport.queue_size: 0\n", "t.conf"),
                    ConfigError);
    CHECK_THROWS_WITH_AS(parse_config_text("report.store: sqlite:/tmp/d.db\n", "t.conf"),
                         doctest::Contains("report.store is set but dmarc.auth is false"),
                         ConfigError);
}

TEST_CASE("failure reports need dmarc.auth and report.email; their keys and defaults") {
    CHECK_THROWS_WITH_AS(
        parse_config_text("report.failure_reports: true\nreport.email: d@r.example\n", "t.conf"),
        doctest::Contains("report.failure_reports is true but dmarc.auth is false"), ConfigError);
    CHECK_THROWS_WITH_AS(
        parse_config_text("dmarc.auth: true\nreport.failure_reports: true\n", "t.conf"),
        doctest::Contains("report.failure_reports is true but report.email is empty"), ConfigError);
    const auto config = parse_config_text(
        "dmarc.auth: true\nreport.failure_reports: true\nreport.email: d@r.example\n"
        "report.failure_dir: /var/lib/enma/failures\nreport.failure_queue_size: 20\n",
        "t.conf");
    CHECK(config.m_report_sender.m_failure_reports);
    CHECK(config.m_report_sender.m_failure_dir == "/var/lib/enma/failures");
    CHECK(config.m_report_sender.m_failure_queue_size == 20);
    const auto defaults = parse_config_text("", "t.conf");
    CHECK_FALSE(defaults.m_report_sender.m_failure_reports);
    CHECK(defaults.m_report_sender.m_failure_dir.empty());
    CHECK(defaults.m_report_sender.m_failure_queue_size == 1000);
    CHECK(defaults.m_report_sender.m_failure_limit == 10);
}

TEST_CASE("report.smtp takes HOST[:PORT], port 25 by default, and renders back") {
    const auto relay = [](std::string_view value) {
        return parse_config_text("report.smtp: " + std::string(value) + "\n", "t.conf")
            .m_report_sender.m_smtp;
    };
    CHECK(parse_config_text("", "t.conf").m_report_sender.m_smtp.empty());  // sendmail
    CHECK(relay("127.0.0.1:25") == enma::conf::SmtpRelay{"127.0.0.1", 25});
    CHECK(relay("127.0.0.1") == enma::conf::SmtpRelay{"127.0.0.1", 25});
    CHECK(relay("[::1]:2525") == enma::conf::SmtpRelay{"::1", 2525});
    CHECK(relay("[::1]") == enma::conf::SmtpRelay{"::1", 25});
    CHECK(relay("Relay.Example:587") == enma::conf::SmtpRelay{"relay.example", 587});
    CHECK(relay("[::1]:2525").to_string() == "[::1]:2525");
    CHECK(relay("127.0.0.1").to_string() == "127.0.0.1:25");
    for (const auto* bad : {"::1", "::1:25", "[::1", "[::1]25", "[127.0.0.1]:25", "host:0",
                            "host:65536", "host:", ":25", "host name:25", "a..b:25", "[]:25"}) {
        INFO(bad);
        CHECK_THROWS_WITH_AS(relay(bad), doctest::Contains("expected HOST[:PORT]"), ConfigError);
    }
}
