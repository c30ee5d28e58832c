// sqlite_db.hpp - one SQLite connection to the report store's file, set up for many short
// write transactions beside readers:
//  - WAL journal (readers never block the writer), synchronous=NORMAL (a power cut may lose
//    the last transactions, never corrupt the file);
//  - a busy timeout, so enma-report and the daemon's writer wait for each other's
//    transactions instead of failing at once;
//  - the collation "C" (byte order, as PostgreSQL's "C"), so store_sql.hpp's ORDER BY reads
//    the same on both stores.
// It is the migration runner's session (BEGIN IMMEDIATE takes the write lock at once).
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <string>
#include <string_view>

#include "app/report/migration_runner.hpp"

namespace enma::report {

class SqliteDb final : public MigrationSession {
public:
    // SqliteDb - opens (creating) `path`; throws StoreError.
    SqliteDb(const std::string& path, std::chrono::milliseconds busy_timeout);
    ~SqliteDb() override;
    SqliteDb(const SqliteDb&) = delete;
    SqliteDb& operator=(const SqliteDb&) = delete;

    sqlite3* handle() const noexcept { return m_db; }
    void begin_exclusive() override;
    void commit() override;
    void rollback() noexcept override;
    bool has_table(std::string_view name) override;
    std::int64_t schema_version() override;
    void set_schema_version(std::int64_t version) override;
    void exec_script(std::string_view sql) override;

private:
    sqlite3* m_db = nullptr;
};

}  // namespace enma::report
