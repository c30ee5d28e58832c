// pg_connection.cpp - PQconnectdb, PQexecParams, PQexec; errors as StoreError.
#include "app/report/pg_connection.hpp"

#include <array>

#include "app/report/report_store.hpp"
#include "app/report/store_sql.hpp"

namespace enma::report {

namespace {

// kMigrationLock - pg_advisory_xact_lock's key for migrations ("enma" in ASCII).
constexpr std::string_view kMigrationLock = "SELECT pg_advisory_xact_lock(1701736801)";

// trimmed - libpq's messages end with a newline.
std::string trimmed(const char* message) {
    std::string text = message ? message : "";
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.pop_back();
    return text;
}

bool succeeded(const PgResult& result) {
    const auto status = PQresultStatus(result.get());
    return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

}  // namespace

// PgConnection - our defaults first, then the conninfo (expanded from "dbname"), whose own
// values win: a connection attempt gives up after 10 s and a statement after 60 s, so that a
// database that hangs holds up neither the writer's retries nor enma's stop for long.
PgConnection::PgConnection(const std::string& conninfo) {
    const char* keywords[] = {"connect_timeout", "options", "dbname", nullptr};
    const char* values[] = {"10", "-c statement_timeout=60000", conninfo.c_str(), nullptr};
    m_conn.reset(PQconnectdbParams(keywords, values, 1));
    if (!m_conn)
        throw StoreError("postgresql: out of memory");
    if (PQstatus(m_conn.get()) != CONNECTION_OK)
        fail("cannot connect");
    if (PQsetClientEncoding(m_conn.get(), "UTF8") != 0)
        fail("client encoding UTF8");
}

void PgConnection::fail(std::string_view what) const {
    throw StoreError("postgresql: " + std::string(what) + ": " +
                     trimmed(PQerrorMessage(m_conn.get())));
}

PgResult PgConnection::exec(std::string_view sql, std::span<const SqlValue> params) {
    std::vector<std::string> texts;
    texts.reserve(params.size());
    for (const auto& value : params)
        texts.push_back(std::holds_alternative<std::int64_t>(value)
                            ? std::to_string(std::get<std::int64_t>(value))
                            : std::string(std::get<std::string_view>(value)));
    std::vector<const char*> pointers;
    for (const auto& text : texts)
        pointers.push_back(text.c_str());
    const std::string statement(sql);
    PgResult result(PQexecParams(m_conn.get(), statement.c_str(), static_cast<int>(params.size()),
                                 nullptr, pointers.data(), nullptr, nullptr, 0));
    if (!succeeded(result))
        fail("query failed");
    return result;
}

void PgConnection::begin_exclusive() {
    exec("BEGIN");
    exec(kMigrationLock);
}

void PgConnection::commit() {
    exec("COMMIT");
}

void PgConnection::rollback() noexcept {
    if (PQtransactionStatus(m_conn.get()) != PQTRANS_IDLE)
        PQclear(PQexec(m_conn.get(), "ROLLBACK"));
}

bool PgConnection::has_table(std::string_view name) {
    const std::array<SqlValue, 1> params{name};
    auto result = exec("SELECT to_regclass($1) IS NOT NULL", params);
    return result.next() && result.text(0) == "t";
}

std::int64_t PgConnection::schema_version() {
    auto result = exec(sql::kSchemaVersion);
    if (!result.next())
        throw StoreError("postgresql: schema_version is empty");
    return result.integer(0);
}

void PgConnection::set_schema_version(std::int64_t version) {
    const std::array<SqlValue, 1> params{version};
    exec(sql::kSetSchemaVersion, params);
}

void PgConnection::exec_script(std::string_view sql) {
    const std::string script(sql);
    PgResult result(PQexec(m_conn.get(), script.c_str()));
    if (!succeeded(result))
        fail("script failed");
}

}  // namespace enma::report
