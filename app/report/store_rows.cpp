// store_rows.cpp - the column order of store_sql.hpp, in one place.
#include "app/report/store_rows.hpp"

#include <optional>
#include <utility>

namespace enma::report {

namespace {

constexpr int kDkimFirst = 28;  // the DKIM columns of sql::kMessages

// kPolicyColumns - the published policy and its evaluation, columns 9 to 19.
constexpr std::array<std::pair<int, std::string MessageRow::*>, 11> kPolicyColumns{{
    {9, &MessageRow::m_p},
    {10, &MessageRow::m_sp},
    {11, &MessageRow::m_np},
    {12, &MessageRow::m_adkim},
    {13, &MessageRow::m_aspf},
    {14, &MessageRow::m_testing},
    {15, &MessageRow::m_fo},
    {16, &MessageRow::m_rua},
    {17, &MessageRow::m_ruf},
    {18, &MessageRow::m_dmarc_result},
    {19, &MessageRow::m_disposition},
}};

MessageRow read_message(const ResultCursor& c) {
    MessageRow row;
    row.m_node = c.text(0);
    row.m_seq = c.integer(1);
    row.m_received_at = c.integer(2);
    row.m_source_ip = c.text(3);
    row.m_header_from = c.text(4);
    row.m_envelope_from = c.text(5);
    row.m_envelope_to = c.text(6);
    row.m_policy_domain = c.text(7);
    row.m_discovery_method = c.text(8);
    for (const auto& [column, member] : kPolicyColumns)
        row.*member = c.text(column);
    row.m_dkim_aligned = c.integer(20) != 0;
    row.m_spf_aligned = c.integer(21) != 0;
    row.m_override_type = c.text(22);
    row.m_override_comment = c.text(23);
    row.m_spf_domain = c.text(24);
    row.m_spf_scope = c.text(25);
    row.m_spf_result = c.text(26);
    row.m_dnssec = c.text(27);
    return row;
}

DkimRow read_dkim(const ResultCursor& c) {
    return DkimRow{c.text(kDkimFirst + 1), c.text(kDkimFirst + 2), c.text(kDkimFirst + 3),
                   c.text(kDkimFirst + 4)};
}

}  // namespace

std::array<SqlValue, 28> message_values(const MessageRow& r) {
    return {r.m_node,
            r.m_seq,
            r.m_received_at,
            r.m_source_ip,
            r.m_header_from,
            r.m_envelope_from,
            r.m_envelope_to,
            r.m_policy_domain,
            r.m_discovery_method,
            r.m_p,
            r.m_sp,
            r.m_np,
            r.m_adkim,
            r.m_aspf,
            r.m_testing,
            r.m_fo,
            r.m_rua,
            r.m_ruf,
            r.m_dmarc_result,
            r.m_disposition,
            std::int64_t{r.m_dkim_aligned},
            std::int64_t{r.m_spf_aligned},
            r.m_override_type,
            r.m_override_comment,
            r.m_spf_domain,
            r.m_spf_scope,
            r.m_spf_result,
            r.m_dnssec};
}

std::array<SqlValue, 7> dkim_values(const MessageRow& row, std::size_t position) {
    const auto& dkim = row.m_dkim[position];
    return {row.m_node,         row.m_seq,       static_cast<std::int64_t>(position),
            dkim.m_domain,      dkim.m_selector, dkim.m_result,
            dkim.m_human_result};
}

std::array<SqlValue, 7> sent_values(const SentRow& r) {
    return {r.m_policy_domain, r.m_period_begin, r.m_period_end, r.m_destination,
            r.m_report_id,     r.m_sent_at,      r.m_status};
}

void visit_messages(ResultCursor& cursor, const std::function<void(const MessageRow&)>& visit) {
    std::optional<MessageRow> current;
    while (cursor.next()) {
        if (!current || current->m_node != cursor.text(0) || current->m_seq != cursor.integer(1)) {
            if (current)
                visit(*current);
            current = read_message(cursor);
        }
        if (!cursor.is_null(kDkimFirst))
            current->m_dkim.push_back(read_dkim(cursor));
    }
    if (current)
        visit(*current);
}

}  // namespace enma::report
