// migration_runner.cpp - pending migrations in one exclusive transaction.
#include "app/report/migration_runner.hpp"

#include <charconv>

#include "app/report/report_store.hpp"

namespace enma::report {

namespace {

std::int64_t apply_pending(MigrationSession& session, std::span<const Migration> list) {
    std::int64_t version = session.has_table("schema_version") ? session.schema_version() : 0;
    for (const auto& migration : list) {
        const auto number = migration_version(migration.m_name);
        if (number <= version)
            continue;
        session.exec_script(migration.m_sql);
        session.set_schema_version(number);
        version = number;
    }
    return version;
}

}  // namespace

std::int64_t migration_version(std::string_view name) noexcept {
    std::int64_t version = 0;
    std::from_chars(name.data(), name.data() + name.size(), version);
    return version;
}

std::int64_t run_migrations(MigrationSession& session, std::span<const Migration> list) {
    session.begin_exclusive();
    try {
        const auto version = apply_pending(session, list);
        session.commit();
        return version;
    } catch (...) {
        session.rollback();
        throw;
    }
}

}  // namespace enma::report
