// report_postgres_store_test.cpp - PostgresStore against a real PostgreSQL started for the
// test (tests/support/postgres_server.hpp): the store contract, the same answers as SQLite
// for the same rows, migrations once across nodes, and a server that goes away.
#include <doctest/doctest.h>

#include "app/report/pg_connection.hpp"
#include "app/report/postgres_store.hpp"
#include "app/report/sqlite_store.hpp"
#include "report_store_fixture.hpp"
#include "tests/support/postgres_server.hpp"

using namespace enma::report;
using enma::report::testing::TempDir;
using enma::testing::PostgresServer;

namespace {

std::string one_value(const std::string& conninfo, std::string_view sql) {
    PgConnection conn(conninfo);
    auto result = conn.exec(sql);
    REQUIRE(result.next());
    return result.text(0);
}

// shared - one server for the cases that only need a database of their own.
const PostgresServer& shared() {
    static const PostgresServer server;
    return server;
}

}  // namespace

TEST_CASE("PostgreSQL and SQLite stores give the same answers for the same rows") {
    const auto& server = shared();
    const TempDir dir;
    auto postgres = open_store("postgresql:" + server.create_database("contract"));
    auto sqlite = open_store("sqlite:" + (dir.m_path / "dmarc.db").string());
    const auto from_postgres = testing::check_contract(*postgres);
    const auto from_sqlite = testing::check_contract(*sqlite);
    CHECK(from_postgres.find("domains a-b.example,a.example,ab.example\n") == 0);
    CHECK(from_postgres.ends_with("purged 30\n"));
    CHECK(from_postgres == from_sqlite);
    // The database's own order is not byte order: only COLLATE "C" makes them agree.
    CHECK(one_value(server.conninfo(),
                    "SELECT string_agg(x, ',' ORDER BY x) FROM "
                    "(VALUES ('ab'), ('a-b'), ('Mx'), ('mx')) AS t(x)") ==
          "a-b,ab,mx,Mx");  // bytes: Mx,a-b,ab,mx
}

TEST_CASE("PostgreSQL store: migrated once, however many nodes open it") {
    const auto& server = shared();
    const auto conninfo = server.create_database("fleet");
    {
        PostgresStore first(conninfo);
        PostgresStore second("postgresql://enma@/fleet?host=" +
                             conninfo.substr(5, conninfo.find(' ') - 5));
        const auto rows = testing::sample_rows();
        first.append(rows);
        CHECK(second.policy_domains(0, 1'000'000).size() == 3);
    }
    CHECK(one_value(conninfo, "SELECT version FROM schema_version") == "1");
    CHECK(one_value(conninfo, "SELECT count(*) FROM schema_version") == "1");
    CHECK(one_value(conninfo, "SELECT count(*) FROM dmarc_message") == "33");
    CHECK(one_value(conninfo, "SELECT count(*) FROM dmarc_dkim") == std::to_string([] {
              std::size_t n = 0;
              for (const auto& row : testing::sample_rows())
                  n += row.m_dkim.size();
              return n;
          }()));
}

TEST_CASE("PostgreSQL store: a large batch spans several INSERTs and reads back in order") {
    const auto& server = shared();
    PostgresStore store(server.create_database("large"));
    std::vector<MessageRow> rows;
    for (int i = 0; i < 2500; ++i)
        rows.push_back(testing::sample_row("mx1", i, 1000 + i, "big.example", 10));
    store.append(rows);  // 2,500 messages and 25,000 DKIM rows in one transaction
    std::int64_t expected = 0;
    std::size_t dkim = 0;
    bool ordered = true;
    store.for_each_message("big.example", 0, 1'000'000, [&](const MessageRow& row) {
        ordered = ordered && row.m_seq == expected++;
        dkim += row.m_dkim.size();
    });
    CHECK(ordered);
    CHECK(expected == 2500);
    CHECK(dkim == 25000);
}

TEST_CASE("PostgreSQL store: a server that is gone is a StoreError, and so is a bad conninfo") {
    std::string conninfo;
    {
        const PostgresServer server;
        conninfo = server.create_database("gone");
        PostgresStore store(conninfo);
    }
    CHECK_THROWS_WITH_AS(open_store("postgresql:" + conninfo),
                         doctest::Contains("postgresql: cannot connect"), StoreError);
    CHECK_THROWS_AS(open_store("postgresql:nonsense_keyword=1"), StoreError);
}

TEST_CASE("multi-row INSERTs number their parameters across the tuples") {
    CHECK(multi_row_insert("INSERT INTO t (a, b) VALUES ($1, $2) ON CONFLICT DO NOTHING", 2, 3) ==
          "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4), ($5, $6) ON CONFLICT DO NOTHING");
}
