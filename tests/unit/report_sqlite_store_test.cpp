// report_sqlite_store_test.cpp - SqliteStore on a temporary file: the store contract
// (report_store_fixture.hpp), migrations, WAL, reopening, and the errors it reports.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include "app/report/migration_runner.hpp"
#include "app/report/sqlite_store.hpp"
#include "report_store_fixture.hpp"

using namespace enma::report;
using enma::report::testing::TempDir;

namespace {

std::string query_text(const std::string& path, const char* sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) == SQLITE_OK);
    std::string text;
    while (sqlite3_step(statement) == SQLITE_ROW)
        text += std::string(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0))) + ";";
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return text;
}

}  // namespace

TEST_CASE("SQLite store meets the store contract") {
    const TempDir dir;
    auto store = open_store("sqlite:" + (dir.m_path / "dmarc.db").string());
    const auto transcript = testing::check_contract(*store);
    CHECK(transcript.find("domains a-b.example,a.example,ab.example\n") == 0);
    CHECK(transcript.ends_with("purged 30\n"));
}

TEST_CASE("SQLite store is created migrated, in WAL mode, and reopens with its rows") {
    const TempDir dir;
    const auto path = (dir.m_path / "dmarc.db").string();
    {
        SqliteStore store(path);
        const auto rows = testing::sample_rows();
        store.append(rows);
    }
    CHECK(query_text(path, "PRAGMA journal_mode") == "wal;");
    CHECK(query_text(path, "SELECT version FROM schema_version") == "1;");
    CHECK(query_text(path, "SELECT count(*) FROM dmarc_message") == "33;");
    SqliteStore again(path);  // migrations do not run twice
    CHECK(query_text(path, "SELECT count(*) FROM schema_version") == "1;");
    CHECK(again.policy_domains(0, 1'000'000).size() == 3);
}

TEST_CASE("the embedded migrations are the files, in name order") {
    const auto list = migrations();
    REQUIRE(list.size() >= 1);
    CHECK(list[0].m_name == "001_initial.sql");
    CHECK(list[0].m_sql.find("CREATE TABLE dmarc_message (") != std::string_view::npos);
    for (std::size_t i = 1; i < list.size(); ++i)
        CHECK(migration_version(list[i - 1].m_name) < migration_version(list[i].m_name));
    CHECK(migration_version("012_more.sql") == 12);
    CHECK(migration_version("x.sql") == 0);
}

TEST_CASE("a later migration runs once, after the first, and sets the version") {
    const TempDir dir;
    const auto path = (dir.m_path / "dmarc.db").string();
    const std::vector<Migration> list{
        migrations()[0], {"002_extra.sql", "CREATE TABLE extra (x INTEGER NOT NULL);"}};
    {
        SqliteDb db(path, std::chrono::seconds(1));
        CHECK(run_migrations(db, std::span(list).first(1)) == 1);
        CHECK(run_migrations(db, list) == 2);
        CHECK(run_migrations(db, list) == 2);
    }
    CHECK(query_text(path, "SELECT version FROM schema_version") == "2;");
    CHECK(query_text(path, "SELECT name FROM sqlite_master WHERE name = 'extra'") == "extra;");
}

TEST_CASE("a failing migration leaves the database as it was") {
    const TempDir dir;
    const auto path = (dir.m_path / "dmarc.db").string();
    const std::vector<Migration> list{migrations()[0], {"002_bad.sql", "CREATE TABLE oops ("}};
    {
        SqliteDb db(path, std::chrono::seconds(1));
        CHECK_THROWS_AS(run_migrations(db, list), StoreError);
    }
    CHECK(query_text(path, "SELECT count(*) FROM sqlite_master WHERE name = 'dmarc_message'") ==
          "0;");
}

TEST_CASE("a store that cannot be opened or a bad spec is a StoreError") {
    CHECK_THROWS_WITH_AS(open_store("sqlite:/nonexistent-dir/x/dmarc.db"),
                         doctest::Contains("sqlite: cannot open /nonexistent-dir/x/dmarc.db"),
                         StoreError);
    CHECK_THROWS_WITH_AS(open_store("mysql:x"), doctest::Contains("expected sqlite:PATH"),
                         StoreError);
    CHECK_THROWS_AS(open_store("sqlite:"), StoreError);
}

TEST_CASE("placeholders become SQLite's numbered form") {
    CHECK(sqlite_placeholders("a = $1 AND b < $12") == "a = ?1 AND b < ?12");
}
