// app_logging_test.cpp - log records: text and JSON rendering, bounding of hostile values.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include <nlohmann/json.hpp>

#include <syslog.h>

#include "app/common/logging.hpp"
#include "conf/config_loader.hpp"

using enma::app::bounded;
using enma::app::LogRecord;

TEST_CASE("text records quote values that need it") {
    LogRecord record("message");
    record.add("client_ip", "192.0.2.1").add("header_from", "A B <a@b>").add("n", std::int64_t{3});
    CHECK(record.text() == "message client_ip=192.0.2.1 header_from=\"A B <a@b>\" n=3");
}

TEST_CASE("hostile values cannot forge a log line") {
    LogRecord record("message");
    record.add("helo", "x\r\nmessage spf=pass");
    // Control bytes become \xNN; the quoting then escapes that backslash as well.
    CHECK(record.text() == "message helo=\"x\\\\x0d\\\\x0amessage spf=pass\"");
    CHECK(bounded(std::string(300, 'a')).size() == 256 + 3);
}

TEST_CASE("JSON records are valid JSON even with 8-bit garbage") {
    LogRecord record("message");
    record.add("subject", "\xff\xfe bad").add("ok", true).add("ms", 1.5);
    const auto object = nlohmann::json::parse("{" + record.json_fields() + "}");
    CHECK(object["event"] == "message");
    CHECK(object["ok"] == true);
    CHECK(object["ms"] == 1.5);
    CHECK(object["subject"].get<std::string>().find("bad") != std::string::npos);
}

TEST_CASE("JSON fields keep their order and their types") {
    LogRecord record("message");
    record.add("queue_id", "4Qx").add("dns_queries", std::int64_t{3}).add("quote", "a\"b\\c");
    record.add("deadline_expired", false).add("eom_ms", 0.25);
    CHECK(record.json_fields() ==
          "\"event\":\"message\",\"queue_id\":\"4Qx\",\"dns_queries\":3,"
          "\"quote\":\"a\\\"b\\\\c\",\"deadline_expired\":false,\"eom_ms\":0.250");
}

TEST_CASE("syslog.logmask becomes the process's setlogmask") {
    const auto config =
        enma::conf::parse_config_text("log.target: stderr\nsyslog.logmask: warning\n", "t.conf");
    enma::app::setup_logging(config, false, false);
    CHECK(setlogmask(0) == LOG_UPTO(LOG_WARNING));
    const auto chatty =
        enma::conf::parse_config_text("log.target: stderr\nsyslog.logmask: debug\n", "t.conf");
    enma::app::setup_logging(chatty, false, false);
    CHECK(setlogmask(0) == LOG_UPTO(LOG_DEBUG));
    enma::app::setup_logging(enma::conf::parse_config_text("log.target: stderr\n", "t.conf"), false,
                             false);
    CHECK(setlogmask(0) == LOG_UPTO(LOG_INFO));  // the default
}

TEST_CASE("setting up again reopens the log file (SIGUSR1 after logrotate)") {
    const std::string path = "/tmp/enma_reopen_test." + std::to_string(getpid()) + ".log";
    const std::string rotated = path + ".1";
    const auto config =
        enma::conf::parse_config_text("log.target: file\nlog.file: " + path + "\n", "t.conf");
    enma::app::setup_logging(config, false, false);
    enma::app::emit(spdlog::level::info, LogRecord("before"));
    REQUIRE(std::rename(path.c_str(), rotated.c_str()) == 0);
    enma::app::setup_logging(config, false, false);
    enma::app::emit(spdlog::level::info, LogRecord("after"));
    std::ifstream fresh(path);
    std::ifstream old(rotated);
    const std::string fresh_text((std::istreambuf_iterator<char>(fresh)), {});
    const std::string old_text((std::istreambuf_iterator<char>(old)), {});
    CHECK(fresh_text.find("after") != std::string::npos);
    CHECK(fresh_text.find("before") == std::string::npos);
    CHECK(old_text.find("before") != std::string::npos);
    enma::app::setup_logging(enma::conf::parse_config_text("log.target: stderr\n", "t.conf"), false,
                             false);
    std::remove(path.c_str());
    std::remove(rotated.c_str());
}
