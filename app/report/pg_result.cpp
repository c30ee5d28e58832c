// pg_result.cpp - text-format columns to values.
#include "app/report/pg_result.hpp"

#include <charconv>
#include <cstring>

#include "app/report/report_store.hpp"

namespace enma::report {

namespace {

std::int64_t to_integer(const char* text) {
    std::int64_t value = 0;
    const auto* end = text + std::strlen(text);
    if (std::from_chars(text, end, value).ptr != end)
        throw StoreError(std::string("postgresql: not an integer: ") + text);
    return value;
}

}  // namespace

std::int64_t PgResult::affected() const {
    const char* count = PQcmdTuples(m_result.get());
    return count && *count ? to_integer(count) : 0;
}

bool PgResult::is_null(int column) const {
    return PQgetisnull(m_result.get(), m_row, column) != 0;
}

std::string PgResult::text(int column) const {
    return std::string(PQgetvalue(m_result.get(), m_row, column),
                       static_cast<std::size_t>(PQgetlength(m_result.get(), m_row, column)));
}

std::int64_t PgResult::integer(int column) const {
    return to_integer(PQgetvalue(m_result.get(), m_row, column));
}

}  // namespace enma::report
