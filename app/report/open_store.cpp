// open_store.cpp - report.store's value to a store.
#include "app/report/postgres_store.hpp"
#include "app/report/report_store.hpp"
#include "app/report/sqlite_store.hpp"

namespace enma::report {

std::unique_ptr<ReportStore> open_store(std::string_view spec) {
    constexpr std::string_view sqlite = "sqlite:";
    if (spec.starts_with(sqlite) && spec.size() > sqlite.size())
        return std::make_unique<SqliteStore>(std::string(spec.substr(sqlite.size())));
    // "postgresql://..." is a libpq URI as it stands; "postgresql:KEYWORDS" carries keywords.
    constexpr std::string_view postgresql = "postgresql:";
    if (spec.starts_with("postgresql://"))
        return std::make_unique<PostgresStore>(std::string(spec));
    if (spec.starts_with(postgresql))
        return std::make_unique<PostgresStore>(std::string(spec.substr(postgresql.size())));
    throw StoreError("report.store: expected sqlite:PATH or postgresql:CONNINFO, got '" +
                     std::string(spec) + "'");
}

}  // namespace enma::report
