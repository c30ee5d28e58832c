// store_sql.hpp - the SQL both stores run, word for word, so that they give the same answers.
//
// Placeholders are PostgreSQL's $N (SqliteStatement turns them into SQLite's ?N). Text is
// ordered by COLLATE "C", byte order: PostgreSQL's default collation follows the locale,
// SQLite's BINARY is byte order and SqliteDb registers "C" as the same comparison.
// ON CONFLICT DO NOTHING makes a retried append harmless (a batch whose commit was lost in
// transit may be sent again).
#pragma once

#include <string_view>

namespace enma::report::sql {

inline constexpr std::string_view kInsertMessage =
    "INSERT INTO dmarc_message (node, seq, received_at, source_ip, header_from, envelope_from, "
    "envelope_to, policy_domain, discovery_method, p, sp, np, adkim, aspf, testing, fo, rua, "
    "ruf, dmarc_result, disposition, dkim_aligned, spf_aligned, override_type, "
    "override_comment, spf_domain, spf_scope, spf_result, dnssec) VALUES ($1, $2, $3, $4, $5, "
    "$6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, "
    "$25, $26, $27, $28) ON CONFLICT DO NOTHING";

inline constexpr std::string_view kInsertDkim =
    "INSERT INTO dmarc_dkim (node, seq, position, domain, selector, result, human_result) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING";

inline constexpr std::string_view kPolicyDomains =
    "SELECT policy_domain FROM dmarc_message WHERE received_at >= $1 AND received_at < $2 "
    "GROUP BY policy_domain ORDER BY policy_domain COLLATE \"C\"";

// kMessages - a row per DKIM row (or one with NULL DKIM columns), in report order; the
// message columns first, in kInsertMessage's order (store_rows.hpp reads them so).
inline constexpr std::string_view kMessages =
    "SELECT m.node, m.seq, m.received_at, m.source_ip, m.header_from, m.envelope_from, "
    "m.envelope_to, m.policy_domain, m.discovery_method, m.p, m.sp, m.np, m.adkim, m.aspf, "
    "m.testing, m.fo, m.rua, m.ruf, m.dmarc_result, m.disposition, m.dkim_aligned, "
    "m.spf_aligned, m.override_type, m.override_comment, m.spf_domain, m.spf_scope, "
    "m.spf_result, m.dnssec, d.position, d.domain, d.selector, d.result, d.human_result "
    "FROM dmarc_message m LEFT JOIN dmarc_dkim d ON d.node = m.node AND d.seq = m.seq "
    "WHERE m.policy_domain = $1 AND m.received_at >= $2 AND m.received_at < $3 "
    "ORDER BY m.received_at, m.node COLLATE \"C\", m.seq, d.position";

inline constexpr std::string_view kWasSent =
    "SELECT 1 FROM dmarc_report_sent WHERE policy_domain = $1 AND period_begin = $2 AND "
    "destination = $3";

inline constexpr std::string_view kMarkSent =
    "INSERT INTO dmarc_report_sent (policy_domain, period_begin, period_end, destination, "
    "report_id, sent_at, status) VALUES ($1, $2, $3, $4, $5, $6, $7) "
    "ON CONFLICT (policy_domain, period_begin, destination) DO UPDATE SET "
    "period_end = excluded.period_end, report_id = excluded.report_id, "
    "sent_at = excluded.sent_at, status = excluded.status";

inline constexpr std::string_view kPurgeDkim =
    "DELETE FROM dmarc_dkim WHERE EXISTS (SELECT 1 FROM dmarc_message m WHERE "
    "m.node = dmarc_dkim.node AND m.seq = dmarc_dkim.seq AND m.received_at < $1)";

inline constexpr std::string_view kPurgeMessages =
    "DELETE FROM dmarc_message WHERE received_at < $1";

inline constexpr std::string_view kSchemaVersion = "SELECT version FROM schema_version";
inline constexpr std::string_view kSetSchemaVersion = "UPDATE schema_version SET version = $1";

}  // namespace enma::report::sql
