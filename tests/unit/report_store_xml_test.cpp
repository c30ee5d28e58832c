// report_store_xml_test.cpp - aggregate reports built through the real stores: the XML from
// the SQLite store equals, byte for byte, the XML built from the same rows in memory (in the
// store's order) and the XML from PostgreSQL (a real server the test starts), for every
// policy domain of the shared sample (report_store_fixture.hpp), and validates against the
// RFC 9990 schema.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <tuple>

#include "app/enma-report/aggregate_report.hpp"
#include "app/enma-report/feedback_xml.hpp"
#include "report_store_fixture.hpp"
#include "tests/support/postgres_server.hpp"

using namespace enma::report;
using enma::report::testing::TempDir;

namespace {

constexpr Period kPeriod{86400, 2 * 86400};
const ReporterInfo kReporter{"Receiver", "dmarc@receiver.example", "", "receiver.example", ""};

std::string xml_from_store(ReportStore& store, const std::string& domain) {
    Aggregator aggregator;
    store.for_each_message(domain, kPeriod.m_begin, kPeriod.m_end,
                           [&](const MessageRow& row) { aggregator.add(row); });
    return feedback_xml(aggregator.finish(kReporter, kPeriod));
}

std::string xml_from_rows(std::vector<MessageRow> rows, const std::string& domain) {
    std::sort(rows.begin(), rows.end(), [](const MessageRow& a, const MessageRow& b) {
        return std::tie(a.m_received_at, a.m_node, a.m_seq) <
               std::tie(b.m_received_at, b.m_node, b.m_seq);
    });
    Aggregator aggregator;
    for (const auto& row : rows)
        if (row.m_policy_domain == domain && row.m_received_at < kPeriod.m_end)
            aggregator.add(row);
    return feedback_xml(aggregator.finish(kReporter, kPeriod));
}

bool validates(const std::string& xml, const TempDir& dir) {
    const auto path = (dir.m_path / "report.xml").string();
    std::ofstream(path) << xml;
    const std::string command = "xmllint --noout --schema " +
                                std::string(std::getenv("ENMA_SOURCE_DIR")) +
                                "/tests/data/dmarc-aggregate-rfc9990.xsd " + path + " 2>/dev/null";
    return std::system(command.c_str()) == 0;
}

}  // namespace

TEST_CASE("the SQLite store gives the same XML as the rows themselves") {
    const TempDir dir;
    auto store = open_store("sqlite:" + (dir.m_path / "dmarc.db").string());
    const auto rows = testing::sample_rows();
    store->append(rows);
    const auto domains = store->policy_domains(kPeriod.m_begin, kPeriod.m_end);
    CHECK(domains == std::vector<std::string>{"a-b.example", "a.example", "ab.example"});
    for (const auto& domain : domains) {
        CAPTURE(domain);
        const std::string xml = xml_from_store(*store, domain);
        CHECK(xml == xml_from_rows(rows, domain));
        CHECK(xml.find("<comment>exempt: &apos;quoted&apos; &quot;text&quot; \xc3\xa9</comment>") !=
              std::string::npos);
        CHECK(validates(xml, dir));
    }
}

TEST_CASE("SQLite and PostgreSQL give byte-identical reports for the same rows") {
    const enma::testing::PostgresServer server;
    const TempDir dir;
    auto postgres = open_store("postgresql:" + server.create_database("reports"));
    auto sqlite = open_store("sqlite:" + (dir.m_path / "dmarc.db").string());
    const auto rows = testing::sample_rows();
    postgres->append(rows);
    sqlite->append(rows);
    const auto domains = postgres->policy_domains(kPeriod.m_begin, kPeriod.m_end);
    REQUIRE(domains == sqlite->policy_domains(kPeriod.m_begin, kPeriod.m_end));
    REQUIRE(domains.size() == 3);
    for (const auto& domain : domains) {
        CAPTURE(domain);
        const std::string xml = xml_from_store(*postgres, domain);
        CHECK(xml.size() > 1000);
        CHECK(xml == xml_from_store(*sqlite, domain));
    }
}
