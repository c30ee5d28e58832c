// message_row.hpp - one message's DMARC record as the report store keeps it: a row of
// dmarc_message and its dmarc_dkim rows (migrations/001_initial.sql documents each column).
// Plain values only, so the milter thread can build it cheaply and hand it to the writer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace enma::report {

struct DkimRow {
    std::string m_domain;        // d=
    std::string m_selector;      // s=
    std::string m_result;        // none | pass | fail | policy | neutral | temperror | permerror
    std::string m_human_result;  // the reason, "" none
};

struct MessageRow {
    std::string m_node;
    std::int64_t m_seq = 0;
    std::int64_t m_received_at = 0;
    std::string m_source_ip;
    std::string m_header_from;
    std::string m_envelope_from;
    std::string m_envelope_to;
    std::string m_policy_domain;
    std::string m_discovery_method;  // treewalk | psl
    std::string m_p, m_sp, m_np, m_adkim, m_aspf, m_testing, m_fo, m_rua, m_ruf;
    std::string m_dmarc_result;
    std::string m_disposition;
    bool m_dkim_aligned = false;
    bool m_spf_aligned = false;
    std::string m_override_type;
    std::string m_override_comment;
    std::string m_spf_domain;
    std::string m_spf_scope;  // mfrom | helo
    std::string m_spf_result;
    std::string m_dnssec;
    std::vector<DkimRow> m_dkim;
};

// SentRow - a row of dmarc_report_sent.
struct SentRow {
    std::string m_policy_domain;
    std::int64_t m_period_begin = 0;
    std::int64_t m_period_end = 0;
    std::string m_destination;
    std::string m_report_id;
    std::int64_t m_sent_at = 0;
    std::string m_status;  // sent | failed | refused
};

}  // namespace enma::report
