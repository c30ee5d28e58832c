// aggregate_report.cpp - rows into records: normalising, keying, counting.
#include "app/enma-report/aggregate_report.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "resolver/ip_address.hpp"
#include "verify/message/header_field.hpp"

namespace enma::report {

namespace {

// kMaxSignatures - RFC 9990: no more than 100 signatures for a given row.
constexpr std::size_t kMaxSignatures = 100;

template <std::size_t N>
std::string one_of(std::string_view value, const std::array<std::string_view, N>& allowed,
                   std::string_view otherwise) {
    const std::string lower = message::to_lower_ascii(value);
    const bool known = std::find(allowed.begin(), allowed.end(), lower) != allowed.end();
    return std::string(known ? std::string_view(lower) : otherwise);
}

constexpr std::array<std::string_view, 7> kDkimResults{"none",    "pass",      "fail",     "policy",
                                                       "neutral", "temperror", "permerror"};
constexpr std::array<std::string_view, 7> kSpfResults{"none",     "neutral",   "pass",     "fail",
                                                      "softfail", "temperror", "permerror"};
constexpr std::array<std::string_view, 4> kDispositions{"none", "pass", "quarantine", "reject"};
constexpr std::array<std::string_view, 3> kPolicies{"none", "quarantine", "reject"};
constexpr std::array<std::string_view, 6> kOverrides{
    "forwarded", "sampled_out", "trusted_forwarder", "mailing_list", "local_policy", "other"};
constexpr std::array<std::string_view, 2> kAlignments{"r", "s"};
constexpr std::array<std::string_view, 2> kTesting{"n", "y"};
constexpr std::array<std::string_view, 2> kDiscovery{"psl", "treewalk"};
constexpr std::array<std::string_view, 2> kScopes{"helo", "mfrom"};

// source_address - the address in the schema's form (a v4-mapped v6 address folds to v4).
std::optional<std::string> source_address(std::string_view text) {
    const auto address = resolver::IpAddress::parse(text);
    if (!address)
        return std::nullopt;
    return address->to_string();
}

// preference - RFC 9990's order for signatures: passing and aligned strictly, passing and
// aligned relaxed (a parent or child of the author domain), other passes, the rest.
int preference(const DkimAuth& dkim, std::string_view header_from) {
    if (dkim.m_result != "pass")
        return 3;
    if (dkim.m_domain == header_from)
        return 0;
    const bool related = header_from.ends_with("." + dkim.m_domain) ||
                         dkim.m_domain.ends_with("." + std::string(header_from));
    return related ? 1 : 2;
}

std::vector<DkimAuth> signatures(const MessageRow& row, std::string_view header_from) {
    std::vector<DkimAuth> out;
    for (const auto& dkim : row.m_dkim)
        out.push_back({message::to_lower_ascii(dkim.m_domain), dkim.m_selector,
                       one_of(dkim.m_result, kDkimResults, "none"), dkim.m_human_result});
    std::stable_sort(out.begin(), out.end(), [&](const DkimAuth& a, const DkimAuth& b) {
        return preference(a, header_from) < preference(b, header_from);
    });
    if (out.size() > kMaxSignatures)
        out.resize(kMaxSignatures);
    return out;
}

// override_of - the schema's override type; an unknown word becomes "other" with the word
// kept in the comment.
std::pair<std::string, std::string> override_of(const MessageRow& row) {
    if (row.m_override_type.empty())
        return {"", ""};
    const std::string type = one_of(row.m_override_type, kOverrides, "other");
    if (type == "other" && message::to_lower_ascii(row.m_override_type) != "other")
        return {type, row.m_override_type + (row.m_override_comment.empty() ? "" : ": ") +
                          row.m_override_comment};
    return {type, row.m_override_comment};
}

RecordKey key_of(const MessageRow& row, std::string source_ip) {
    RecordKey key;
    key.m_source_ip = std::move(source_ip);
    key.m_disposition = one_of(row.m_disposition, kDispositions, "none");
    key.m_dkim_aligned = row.m_dkim_aligned;
    key.m_spf_aligned = row.m_spf_aligned;
    std::tie(key.m_override_type, key.m_override_comment) = override_of(row);
    key.m_header_from = message::to_lower_ascii(row.m_header_from);
    key.m_envelope_from = message::to_lower_ascii(row.m_envelope_from);
    key.m_envelope_to = message::to_lower_ascii(row.m_envelope_to);
    key.m_dkim = signatures(row, key.m_header_from);
    key.m_spf_domain = message::to_lower_ascii(row.m_spf_domain);
    key.m_spf_scope = one_of(row.m_spf_scope, kScopes, "");
    key.m_spf_result = one_of(row.m_spf_result, kSpfResults, "none");
    return key;
}

PolicyPublished policy_of(const MessageRow& row) {
    PolicyPublished policy;
    policy.m_domain = message::to_lower_ascii(row.m_policy_domain);
    policy.m_discovery_method = one_of(row.m_discovery_method, kDiscovery, "");
    policy.m_adkim = one_of(row.m_adkim, kAlignments, "");
    policy.m_aspf = one_of(row.m_aspf, kAlignments, "");
    policy.m_p = one_of(row.m_p, kPolicies, "none");
    // sp defaults to p when not published (RFC 9989); the schema requires it.
    policy.m_sp = row.m_sp.empty() ? policy.m_p : one_of(row.m_sp, kPolicies, "none");
    // np only as published: its default (sp) is what sp already says.
    policy.m_np = row.m_np.empty() ? "" : one_of(row.m_np, kPolicies, "");
    policy.m_testing = one_of(row.m_testing, kTesting, "");
    policy.m_fo = row.m_fo;
    policy.m_rua = row.m_rua;
    policy.m_ruf = row.m_ruf;
    return policy;
}

}  // namespace

void Aggregator::add(const MessageRow& row) {
    m_policy = policy_of(row);
    auto source = source_address(row.m_source_ip);
    if (!source) {
        ++m_unreported;
        return;
    }
    ++m_counts[key_of(row, std::move(*source))];
}

AggregateReport Aggregator::finish(const ReporterInfo& reporter, const Period& period) const {
    AggregateReport report;
    report.m_reporter = reporter;
    report.m_period = period;
    report.m_policy = m_policy;
    report.m_report_id = report_id_for(reporter, m_policy.m_domain, period);
    report.m_records.assign(m_counts.begin(), m_counts.end());
    for (const auto& [key, count] : m_counts)
        report.m_messages += count;
    report.m_unreported = m_unreported;
    return report;
}

std::string report_id_for(const ReporterInfo& reporter, std::string_view policy_domain,
                          const Period& period) {
    return std::to_string(period.m_begin) + "." + std::string(policy_domain) + "@" +
           reporter.m_domain;
}

}  // namespace enma::report
