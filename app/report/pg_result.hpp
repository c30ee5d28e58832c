// pg_result.hpp - one libpq result (PGresult), owned, read as a ResultCursor.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>

#include "app/report/store_rows.hpp"

namespace enma::report {

class PgResult final : public ResultCursor {
public:
    PgResult() = default;
    explicit PgResult(PGresult* result) : m_result(result, PQclear) {}

    PGresult* get() const noexcept { return m_result.get(); }
    int rows() const noexcept { return m_result ? PQntuples(m_result.get()) : 0; }
    // affected - the count of an INSERT, UPDATE or DELETE.
    std::int64_t affected() const;

    bool next() override { return ++m_row < rows(); }
    bool is_null(int column) const override;
    std::string text(int column) const override;
    std::int64_t integer(int column) const override;

private:
    std::unique_ptr<PGresult, void (*)(PGresult*)> m_result{nullptr, PQclear};
    int m_row = -1;
};

}  // namespace enma::report
