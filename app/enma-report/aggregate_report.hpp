// aggregate_report.hpp - one RFC 9990 aggregate report as values: the rows of one policy
// domain and period grouped into records with counts.
//
// Invariants:
//  - The records are sorted by their key (std::map order over plain strings and numbers), so
//    the same rows give the same report whatever store they came from and in whatever order.
//  - policy_published is the policy of the last row added (the store yields rows by
//    (received_at, node, seq)): RFC 9990 lets a reporter note only the final configuration.
//  - Every value is normalised to what the schema allows (tests/data/dmarc-aggregate-rfc9990.xsd):
//    an unknown result word becomes the schema's nearest one, a source address that does not
//    parse is left out and counted in m_unreported.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "app/report/message_row.hpp"

namespace enma::report {

// ReporterInfo - report_metadata from the report.* configuration.
struct ReporterInfo {
    std::string m_org_name;
    std::string m_email;
    std::string m_extra_contact_info;  // "" leaves the element out
    std::string m_domain;              // the Mail Receiver's domain (file name, Subject, ids)
    std::string m_generator;           // "enma VERSION"; "" leaves the element out
};

// Period - the reporting period, [m_begin, m_end) in seconds since the epoch (UTC).
struct Period {
    std::int64_t m_begin = 0;
    std::int64_t m_end = 0;
};

struct DkimAuth {
    std::string m_domain, m_selector, m_result, m_human_result;
    auto operator<=>(const DkimAuth&) const = default;
};

// RecordKey - what makes two messages one record: RFC 9990's (IP, policy evaluated,
// identifiers, auth results).
struct RecordKey {
    std::string m_source_ip;
    std::string m_disposition;
    bool m_dkim_aligned = false;
    bool m_spf_aligned = false;
    std::string m_override_type, m_override_comment;
    std::string m_header_from, m_envelope_from, m_envelope_to;
    std::vector<DkimAuth> m_dkim;  // at most 100, in RFC 9990's order of preference
    std::string m_spf_domain, m_spf_scope, m_spf_result;
    auto operator<=>(const RecordKey&) const = default;
};

// PolicyPublished - the policy as the last row saw it; "" leaves an optional element out.
struct PolicyPublished {
    std::string m_domain, m_discovery_method, m_adkim, m_aspf, m_p, m_sp, m_np, m_testing, m_fo;
    std::string m_rua, m_ruf;  // not in the XML: where the report goes
};

struct AggregateReport {
    ReporterInfo m_reporter;
    std::string m_report_id;
    Period m_period;
    PolicyPublished m_policy;
    std::vector<std::pair<RecordKey, std::int64_t>> m_records;  // sorted by key
    std::int64_t m_messages = 0;                                // messages counted in the records
    std::int64_t m_unreported = 0;  // rows left out (no usable source address)
};

// Aggregator - folds rows of one policy domain into an AggregateReport.
class Aggregator {
public:
    void add(const MessageRow& row);
    // finish - the report; m_report_id is report_id_for(reporter, policy domain, period).
    AggregateReport finish(const ReporterInfo& reporter, const Period& period) const;

private:
    std::map<RecordKey, std::int64_t> m_counts;
    PolicyPublished m_policy;
    std::int64_t m_unreported = 0;
};

// report_id_for - "<begin>.<policy-domain>@<receiver-domain>": unique among reports to one
// domain and the same on every run for (domain, period), as RFC 9990's Report-ID asks.
std::string report_id_for(const ReporterInfo& reporter, std::string_view policy_domain,
                          const Period& period);

}  // namespace enma::report
