// migration_runner.hpp - brings a store's schema up to date, the same way for SQLite and
// PostgreSQL.
//
// The pending migrations (version above schema_version's, or all of them on an empty
// database) run in name order inside one transaction that no other node migrates beside
// (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory transaction lock), so enma nodes of a
// fleet starting together migrate once. After each one the runner sets schema_version to its
// version. A database newer than this binary is used as it is: migrations only add.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "app/report/migrations.hpp"

namespace enma::report {

// MigrationSession - what the runner needs of a connection; every method throws StoreError.
class MigrationSession {
public:
    virtual ~MigrationSession() = default;
    // begin_exclusive - a transaction no other migrating connection runs beside.
    virtual void begin_exclusive() = 0;
    virtual void commit() = 0;
    virtual void rollback() noexcept = 0;
    virtual bool has_table(std::string_view name) = 0;
    // schema_version - the one value of schema_version (the table exists).
    virtual std::int64_t schema_version() = 0;
    virtual void set_schema_version(std::int64_t version) = 0;
    // exec_script - SQL statements separated by ';', without parameters.
    virtual void exec_script(std::string_view sql) = 0;
};

// migration_version - the number the migration's name starts with; 0 if none.
std::int64_t migration_version(std::string_view name) noexcept;

// run_migrations - the pending `list` applied; returns the schema version afterwards.
std::int64_t run_migrations(MigrationSession& session, std::span<const Migration> list);

}  // namespace enma::report
