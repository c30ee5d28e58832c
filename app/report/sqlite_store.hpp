// sqlite_store.hpp - the report store in one SQLite file (report.store = sqlite:PATH): the
// embedded default, nothing to set up beyond the path. The connection is sqlite_db.hpp's;
// every statement is prepared once, at open; append() writes a batch in one transaction.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "app/report/report_store.hpp"
#include "app/report/sqlite_db.hpp"
#include "app/report/sqlite_statement.hpp"
#include "app/report/store_sql.hpp"

namespace enma::report {

class SqliteStore final : public ReportStore {
public:
    // SqliteStore - opens `path` (created if missing) and migrates it; throws StoreError.
    explicit SqliteStore(const std::string& path,
                         std::chrono::milliseconds busy_timeout = std::chrono::seconds(5));

    void append(std::span<const MessageRow> rows) override;
    std::vector<std::string> policy_domains(std::int64_t begin, std::int64_t end) override;
    void for_each_message(std::string_view policy_domain, std::int64_t begin, std::int64_t end,
                          const std::function<void(const MessageRow&)>& visit) override;
    bool was_sent(std::string_view policy_domain, std::int64_t period_begin,
                  std::string_view destination) override;
    void mark_sent(const SentRow& row) override;
    std::int64_t purge_before(std::int64_t time) override;

private:
    // in_transaction - `work` between BEGIN IMMEDIATE and COMMIT, rolled back if it throws.
    template <typename Work>
    auto in_transaction(Work&& work);
    void insert(const MessageRow& row);

    // In this order: the file opened, then migrated, then the statements prepared (they are
    // finalized before the connection closes).
    SqliteDb m_db;
    std::int64_t m_version = run_migrations(m_db, migrations());
    SqliteStatement m_insert_message{m_db.handle(), sql::kInsertMessage};
    SqliteStatement m_insert_dkim{m_db.handle(), sql::kInsertDkim};
    SqliteStatement m_policy_domains{m_db.handle(), sql::kPolicyDomains};
    SqliteStatement m_messages{m_db.handle(), sql::kMessages};
    SqliteStatement m_was_sent{m_db.handle(), sql::kWasSent};
    SqliteStatement m_mark_sent{m_db.handle(), sql::kMarkSent};
    SqliteStatement m_purge_dkim{m_db.handle(), sql::kPurgeDkim};
    SqliteStatement m_purge_messages{m_db.handle(), sql::kPurgeMessages};
};

}  // namespace enma::report
