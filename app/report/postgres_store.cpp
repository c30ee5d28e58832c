// postgres_store.cpp - the ReportStore calls over one PgConnection.
#include "app/report/postgres_store.hpp"

#include <fmt/format.h>

#include "app/report/store_sql.hpp"

namespace enma::report {

namespace {

constexpr int kMessageColumns = 28;
constexpr int kDkimColumns = 7;
constexpr std::size_t kDkimRowsPerInsert = 9000;  // 63,000 parameters

// FetchCursor - the rows of a declared cursor, kFetchRows at a time.
class FetchCursor final : public ResultCursor {
public:
    explicit FetchCursor(PgConnection& conn) : m_conn(conn) {}
    bool next() override {
        if (m_chunk.next())
            return true;
        m_chunk =
            m_conn.exec(fmt::format("FETCH {} FROM enma_messages", PostgresStore::kFetchRows));
        return m_chunk.next();
    }
    bool is_null(int column) const override { return m_chunk.is_null(column); }
    std::string text(int column) const override { return m_chunk.text(column); }
    std::int64_t integer(int column) const override { return m_chunk.integer(column); }

private:
    PgConnection& m_conn;
    PgResult m_chunk;
};

}  // namespace

std::string multi_row_insert(std::string_view single, int width, std::size_t rows) {
    const auto values = single.find(" VALUES (");
    const auto close = single.find(')', values);
    std::string sql(single.substr(0, values));
    sql += " VALUES ";
    int parameter = 0;
    for (std::size_t row = 0; row < rows; ++row) {
        sql += row == 0 ? "(" : ", (";
        for (int column = 0; column < width; ++column)
            sql += fmt::format("{}${}", column == 0 ? "" : ", ", ++parameter);
        sql += ")";
    }
    sql += single.substr(close + 1);
    return sql;
}

PostgresStore::PostgresStore(const std::string& conninfo) : m_conn(conninfo) {
    run_migrations(m_conn, migrations());
}

template <typename Work>
auto PostgresStore::in_transaction(Work&& work) {
    m_conn.exec("BEGIN");
    try {
        auto result = work();
        m_conn.exec("COMMIT");
        return result;
    } catch (...) {
        m_conn.rollback();
        throw;
    }
}

void PostgresStore::insert_messages(std::span<const MessageRow> rows) {
    std::vector<SqlValue> params;
    params.reserve(rows.size() * kMessageColumns);
    for (const auto& row : rows)
        for (const auto& value : message_values(row))
            params.push_back(value);
    m_conn.exec(multi_row_insert(sql::kInsertMessage, kMessageColumns, rows.size()), params);
}

void PostgresStore::insert_dkim(std::span<const MessageRow> rows) {
    std::vector<SqlValue> params;
    const auto flush = [&] {
        const auto count = params.size() / kDkimColumns;
        if (count > 0)
            m_conn.exec(multi_row_insert(sql::kInsertDkim, kDkimColumns, count), params);
        params.clear();
    };
    for (const auto& row : rows)
        for (std::size_t position = 0; position < row.m_dkim.size(); ++position) {
            if (params.size() / kDkimColumns == kDkimRowsPerInsert)
                flush();
            for (const auto& value : dkim_values(row, position))
                params.push_back(value);
        }
    flush();
}

// append - kRowsPerInsert messages per statement, then their DKIM rows, all in one
// transaction.
void PostgresStore::append(std::span<const MessageRow> rows) {
    in_transaction([&] {
        for (std::size_t first = 0; first < rows.size(); first += kRowsPerInsert) {
            const auto chunk = rows.subspan(first, std::min(kRowsPerInsert, rows.size() - first));
            insert_messages(chunk);
            insert_dkim(chunk);
        }
        return 0;
    });
}

std::vector<std::string> PostgresStore::policy_domains(std::int64_t begin, std::int64_t end) {
    const std::array<SqlValue, 2> params{begin, end};
    auto result = m_conn.exec(sql::kPolicyDomains, params);
    std::vector<std::string> domains;
    while (result.next())
        domains.push_back(result.text(0));
    return domains;
}

void PostgresStore::for_each_message(std::string_view policy_domain, std::int64_t begin,
                                     std::int64_t end,
                                     const std::function<void(const MessageRow&)>& visit) {
    const std::array<SqlValue, 3> params{policy_domain, begin, end};
    in_transaction([&] {
        m_conn.exec("DECLARE enma_messages NO SCROLL CURSOR FOR " + std::string(sql::kMessages),
                    params);
        FetchCursor cursor(m_conn);
        visit_messages(cursor, visit);
        m_conn.exec("CLOSE enma_messages");
        return 0;
    });
}

bool PostgresStore::was_sent(std::string_view policy_domain, std::int64_t period_begin,
                             std::string_view destination) {
    const std::array<SqlValue, 3> params{policy_domain, period_begin, destination};
    return m_conn.exec(sql::kWasSent, params).next();
}

void PostgresStore::mark_sent(const SentRow& row) {
    m_conn.exec(sql::kMarkSent, sent_values(row));
}

std::int64_t PostgresStore::purge_before(std::int64_t time) {
    const std::array<SqlValue, 1> params{time};
    return in_transaction([&] {
        m_conn.exec(sql::kPurgeDkim, params);
        return m_conn.exec(sql::kPurgeMessages, params).affected();
    });
}

}  // namespace enma::report
