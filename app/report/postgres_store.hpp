// postgres_store.hpp - the report store in PostgreSQL (report.store = postgresql:CONNINFO):
// many enma nodes append to one database, enma-report runs once for the organisation.
//
// Same schema, migrations and SQL as SqliteStore (store_sql.hpp), so the two give the same
// answers. append() sends a batch as multi-row INSERTs (one round trip per up to
// kRowsPerInsert messages) inside one transaction; for_each_message() reads through a
// cursor, kFetchRows rows at a time, so a large period is never held in memory whole.
#pragma once

#include <string>

#include "app/report/pg_connection.hpp"
#include "app/report/report_store.hpp"

namespace enma::report {

class PostgresStore final : public ReportStore {
public:
    static constexpr std::size_t kRowsPerInsert = 1000;  // 28,000 parameters (libpq: 65,535)
    static constexpr int kFetchRows = 1000;

    // PostgresStore - connects and migrates; throws StoreError.
    explicit PostgresStore(const std::string& conninfo);

    void append(std::span<const MessageRow> rows) override;
    std::vector<std::string> policy_domains(std::int64_t begin, std::int64_t end) override;
    void for_each_message(std::string_view policy_domain, std::int64_t begin, std::int64_t end,
                          const std::function<void(const MessageRow&)>& visit) override;
    bool was_sent(std::string_view policy_domain, std::int64_t period_begin,
                  std::string_view destination) override;
    void mark_sent(const SentRow& row) override;
    std::int64_t purge_before(std::int64_t time) override;

private:
    template <typename Work>
    auto in_transaction(Work&& work);
    void insert_messages(std::span<const MessageRow> rows);
    void insert_dkim(std::span<const MessageRow> rows);

    PgConnection m_conn;
};

// multi_row_insert - `single` (an INSERT with one VALUES tuple of $1..$width) widened to
// `rows` tuples; the clause after the tuple (ON CONFLICT ...) is kept.
std::string multi_row_insert(std::string_view single, int width, std::size_t rows);

}  // namespace enma::report
