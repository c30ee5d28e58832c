// sqlite_statement.cpp - sqlite3_prepare_v3 and friends, errors as StoreError.
#include "app/report/sqlite_statement.hpp"

#include "app/report/report_store.hpp"

namespace enma::report {

namespace {

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
    throw StoreError("sqlite: " + std::string(what) + ": " + sqlite3_errmsg(db));
}

}  // namespace

std::string sqlite_placeholders(std::string_view sql) {
    std::string out(sql);
    for (auto& c : out)
        if (c == '$')
            c = '?';
    return out;
}

SqliteStatement::SqliteStatement(sqlite3* db, std::string_view sql) : m_db(db) {
    const auto text = sqlite_placeholders(sql);
    if (sqlite3_prepare_v3(db, text.c_str(), static_cast<int>(text.size() + 1),
                           SQLITE_PREPARE_PERSISTENT, &m_statement, nullptr) != SQLITE_OK)
        fail(db, "prepare");
}

SqliteStatement::~SqliteStatement() {
    sqlite3_finalize(m_statement);
}

void SqliteStatement::bind(int index, const SqlValue& value) {
    int status = SQLITE_OK;
    if (const auto* text = std::get_if<std::string_view>(&value))
        status = sqlite3_bind_text(m_statement, index, text->data(), static_cast<int>(text->size()),
                                   SQLITE_TRANSIENT);
    else
        status = sqlite3_bind_int64(m_statement, index, std::get<std::int64_t>(value));
    if (status != SQLITE_OK)
        fail(m_db, "bind");
}

void SqliteStatement::run() {
    while (next()) {
    }
}

bool SqliteStatement::next() {
    const int status = sqlite3_step(m_statement);
    if (status == SQLITE_ROW)
        return true;
    if (status == SQLITE_DONE)
        return false;
    fail(m_db, "step");
}

bool SqliteStatement::is_null(int column) const {
    return sqlite3_column_type(m_statement, column) == SQLITE_NULL;
}

std::string SqliteStatement::text(int column) const {
    const auto* bytes = sqlite3_column_text(m_statement, column);
    const int size = sqlite3_column_bytes(m_statement, column);
    return bytes ? std::string(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(size))
                 : std::string();
}

std::int64_t SqliteStatement::integer(int column) const {
    return sqlite3_column_int64(m_statement, column);
}

void SqliteStatement::reset() noexcept {
    sqlite3_reset(m_statement);
    sqlite3_clear_bindings(m_statement);
}

}  // namespace enma::report
