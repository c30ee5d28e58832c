// sqlite_db.cpp - opening the file and the connection's settings.
#include "app/report/sqlite_db.hpp"

#include <cstring>

#include "app/report/report_store.hpp"
#include "app/report/sqlite_statement.hpp"
#include "app/report/store_sql.hpp"

namespace enma::report {

namespace {

// compare_bytes - the "C" collation: memcmp, shorter first on a tie (SQLite's BINARY).
int compare_bytes(void*, int a_size, const void* a, int b_size, const void* b) {
    const int common = std::memcmp(a, b, static_cast<std::size_t>(std::min(a_size, b_size)));
    return common != 0 ? common : a_size - b_size;
}

}  // namespace

SqliteDb::SqliteDb(const std::string& path, std::chrono::milliseconds busy_timeout) {
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &m_db, flags, nullptr) != SQLITE_OK) {
        const std::string why = m_db ? sqlite3_errmsg(m_db) : "out of memory";
        sqlite3_close(m_db);
        throw StoreError("sqlite: cannot open " + path + ": " + why);
    }
    try {
        sqlite3_busy_timeout(m_db, static_cast<int>(busy_timeout.count()));
        sqlite3_create_collation(m_db, "C", SQLITE_UTF8, nullptr, compare_bytes);
        exec_script("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
    } catch (...) {
        sqlite3_close(m_db);
        throw;
    }
}

SqliteDb::~SqliteDb() {
    sqlite3_close(m_db);
}

void SqliteDb::exec_script(std::string_view sql) {
    const std::string text(sql);
    char* error = nullptr;
    if (sqlite3_exec(m_db, text.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
        const std::string why = error ? error : sqlite3_errmsg(m_db);
        sqlite3_free(error);
        throw StoreError("sqlite: " + why);
    }
}

void SqliteDb::begin_exclusive() {
    exec_script("BEGIN IMMEDIATE");
}

void SqliteDb::commit() {
    exec_script("COMMIT");
}

void SqliteDb::rollback() noexcept {
    if (!sqlite3_get_autocommit(m_db))
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
}

bool SqliteDb::has_table(std::string_view name) {
    SqliteStatement query(m_db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $1");
    query.bind(1, name);
    return query.next();
}

std::int64_t SqliteDb::schema_version() {
    SqliteStatement query(m_db, sql::kSchemaVersion);
    if (!query.next())
        throw StoreError("sqlite: schema_version is empty");
    return query.integer(0);
}

void SqliteDb::set_schema_version(std::int64_t version) {
    SqliteStatement update(m_db, sql::kSetSchemaVersion);
    update.bind(1, version);
    update.run();
}

}  // namespace enma::report
