// app_logging_test.cpp - log records: text and JSON rendering, bounding of hostile values.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "app/logging.hpp"

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
