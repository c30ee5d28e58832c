// sqlite_store.cpp - the ReportStore calls over the prepared statements.
#include "app/report/sqlite_store.hpp"

namespace enma::report {

SqliteStore::SqliteStore(const std::string& path, std::chrono::milliseconds busy_timeout)
    : m_db(path, busy_timeout) {}

template <typename Work>
auto SqliteStore::in_transaction(Work&& work) {
    m_db.begin_exclusive();
    try {
        auto result = work();
        m_db.commit();
        return result;
    } catch (...) {
        m_db.rollback();
        throw;
    }
}

void SqliteStore::insert(const MessageRow& row) {
    {
        const StatementReset reset(m_insert_message);
        m_insert_message.bind_all(message_values(row));
        m_insert_message.run();
    }
    for (std::size_t position = 0; position < row.m_dkim.size(); ++position) {
        const StatementReset reset(m_insert_dkim);
        m_insert_dkim.bind_all(dkim_values(row, position));
        m_insert_dkim.run();
    }
}

void SqliteStore::append(std::span<const MessageRow> rows) {
    in_transaction([&] {
        for (const auto& row : rows)
            insert(row);
        return 0;
    });
}

std::vector<std::string> SqliteStore::policy_domains(std::int64_t begin, std::int64_t end) {
    const StatementReset reset(m_policy_domains);
    m_policy_domains.bind_all(std::array<SqlValue, 2>{begin, end});
    std::vector<std::string> domains;
    while (m_policy_domains.next())
        domains.push_back(m_policy_domains.text(0));
    return domains;
}

void SqliteStore::for_each_message(std::string_view policy_domain, std::int64_t begin,
                                   std::int64_t end,
                                   const std::function<void(const MessageRow&)>& visit) {
    const StatementReset reset(m_messages);
    m_messages.bind_all(std::array<SqlValue, 3>{policy_domain, begin, end});
    visit_messages(m_messages, visit);
}

bool SqliteStore::was_sent(std::string_view policy_domain, std::int64_t period_begin,
                           std::string_view destination) {
    const StatementReset reset(m_was_sent);
    m_was_sent.bind_all(std::array<SqlValue, 3>{policy_domain, period_begin, destination});
    return m_was_sent.next();
}

void SqliteStore::mark_sent(const SentRow& row) {
    const StatementReset reset(m_mark_sent);
    m_mark_sent.bind_all(sent_values(row));
    m_mark_sent.run();
}

std::int64_t SqliteStore::purge_before(std::int64_t time) {
    return in_transaction([&] {
        const StatementReset dkim(m_purge_dkim);
        const StatementReset messages(m_purge_messages);
        m_purge_dkim.bind(1, time);
        m_purge_dkim.run();
        m_purge_messages.bind(1, time);
        m_purge_messages.run();
        return static_cast<std::int64_t>(sqlite3_changes64(m_db.handle()));
    });
}

}  // namespace enma::report
