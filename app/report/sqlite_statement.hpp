// sqlite_statement.hpp - one prepared SQLite statement: bind, step, read columns, reset.
//
// Prepared once and reused; the SQL takes PostgreSQL's $N placeholders (store_sql.hpp),
// turned into SQLite's ?N. A statement that stepped must be reset before the next use and
// should be soon after (an unfinished read holds back WAL checkpoints): StatementReset does it
// on every way out of a scope. Errors throw StoreError with SQLite's message.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "app/report/store_rows.hpp"

namespace enma::report {

class SqliteStatement final : public ResultCursor {
public:
    SqliteStatement(sqlite3* db, std::string_view sql);
    ~SqliteStatement() override;
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    // bind - parameter `index` (from 1).
    void bind(int index, const SqlValue& value);
    // bind_all - parameters 1..N from `values`.
    template <typename Values>
    void bind_all(const Values& values) {
        int index = 0;
        for (const auto& value : values)
            bind(++index, value);
    }
    // run - step a statement that returns no rows.
    void run();
    bool next() override;
    bool is_null(int column) const override;
    std::string text(int column) const override;
    std::int64_t integer(int column) const override;
    // reset - ready for new bindings; never throws.
    void reset() noexcept;

private:
    sqlite3* m_db;
    sqlite3_stmt* m_statement = nullptr;
};

// StatementReset - resets a statement when the scope ends, however it ends.
class StatementReset {
public:
    explicit StatementReset(SqliteStatement& statement) : m_statement(statement) {}
    ~StatementReset() { m_statement.reset(); }
    StatementReset(const StatementReset&) = delete;
    StatementReset& operator=(const StatementReset&) = delete;

private:
    SqliteStatement& m_statement;
};

// sqlite_placeholders - "$1" becomes "?1" (outside quotes: the store's SQL has none inside).
std::string sqlite_placeholders(std::string_view sql);

}  // namespace enma::report
