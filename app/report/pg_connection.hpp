// pg_connection.hpp - one libpq connection to the fleet's report store, and the migration
// runner's session on it.
//
// Parameters go separately from the SQL text (PQexecParams, text format), never spliced
// in. The client encoding is UTF8 whatever the server's default. Unless the conninfo says
// otherwise, connecting times out after 10 s and a statement after 60 s. BEGIN for migrations takes
// a transaction-scoped advisory lock, so the nodes of a fleet starting together migrate one after
// the other (the later ones find nothing pending). A connection that breaks is not repaired here:
// every call throws StoreError and the owner opens a new one.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/report/migration_runner.hpp"
#include "app/report/pg_result.hpp"
#include "app/report/store_rows.hpp"

namespace enma::report {

class PgConnection final : public MigrationSession {
public:
    // PgConnection - connects with `conninfo` (keywords or a postgresql:// URI); throws
    // StoreError.
    explicit PgConnection(const std::string& conninfo);

    // exec - one statement with its parameters; throws StoreError unless it succeeded.
    PgResult exec(std::string_view sql, std::span<const SqlValue> params = {});
    void begin_exclusive() override;
    void commit() override;
    void rollback() noexcept override;
    bool has_table(std::string_view name) override;
    std::int64_t schema_version() override;
    void set_schema_version(std::int64_t version) override;
    void exec_script(std::string_view sql) override;

private:
    [[noreturn]] void fail(std::string_view what) const;

    std::unique_ptr<PGconn, void (*)(PGconn*)> m_conn{nullptr, PQfinish};
};

}  // namespace enma::report
