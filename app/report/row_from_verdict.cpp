// row_from_verdict.cpp - the verdict's words as the schema's columns (migrations/).
#include "app/report/row_from_verdict.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "app/report/store_text.hpp"
#include "verify/pipeline/dnssec_word.hpp"

namespace enma::report {

namespace {

std::string_view alignment_word(dmarc::Alignment alignment) {
    return alignment == dmarc::Alignment::strict ? "s" : "r";
}

std::string policy_word(const std::optional<dmarc::Policy>& policy) {
    return policy ? std::string(dmarc::to_string(*policy)) : std::string();
}

// disposition - RFC 9990's policy_evaluated/disposition: pass for a DMARC pass, else what
// was applied (none unless dmarc.*_action acted).
std::string disposition(const pipeline::DmarcVerdict& dmarc) {
    if (dmarc.m_output.m_result == dmarc::DmarcResult::pass)
        return "pass";
    return std::string(dmarc::to_string(dmarc.m_applied));
}

void add_policy(MessageRow& row, const dmarc::DmarcRecord& record) {
    row.m_p = dmarc::to_string(record.m_p);
    row.m_sp = policy_word(record.m_sp);
    row.m_np = policy_word(record.m_np);
    row.m_adkim = alignment_word(record.m_adkim);
    row.m_aspf = alignment_word(record.m_aspf);
    row.m_testing = record.m_testing ? "y" : "n";
    row.m_fo = record.m_fo;
    row.m_rua = fmt::format("{}", fmt::join(record.m_rua, ","));
    row.m_ruf = fmt::format("{}", fmt::join(record.m_ruf, ","));
}

void add_evaluation(MessageRow& row, const pipeline::DmarcVerdict& dmarc) {
    const auto& out = dmarc.m_output;
    row.m_header_from = out.m_author_domain;
    row.m_policy_domain = out.m_policy_domain;
    row.m_dmarc_result = dmarc::to_string(out.m_result);
    row.m_disposition = disposition(dmarc);
    row.m_dkim_aligned = out.m_dkim_aligned;
    row.m_spf_aligned = out.m_spf_aligned;
    row.m_override_type = dmarc.m_override;
    row.m_override_comment = dmarc.m_override_comment;
    row.m_spf_domain = dmarc.m_spf_domain;
    row.m_spf_scope = dmarc.m_spf_scope;
    row.m_dnssec = pipeline::dnssec_field(out.m_security);
}

std::string_view property(const verify::AuthResult& result, std::string_view name) {
    for (const auto& p : result.m_properties)
        if (p.m_property == name)
            return p.m_value;
    return {};
}

// add_results - SPF's word (hardfail, authresult.spf_hardfail's spelling, is RFC 9990's
// fail) and a DKIM row per signature that names a domain.
void add_results(MessageRow& row, const std::vector<verify::AuthResult>& results) {
    row.m_spf_result = "none";
    for (const auto& result : results) {
        if (result.m_method == "spf")
            row.m_spf_result = result.m_result == "hardfail" ? "fail" : result.m_result;
        const auto domain = property(result, "d");
        if (result.m_method == "dkim" && !domain.empty())
            row.m_dkim.push_back({std::string(domain), std::string(property(result, "s")),
                                  result.m_result, result.m_reason});
    }
}

// clean - every text column made storable (store_text.hpp).
void clean(MessageRow& row) {
    for (auto* text :
         {&row.m_source_ip, &row.m_header_from, &row.m_envelope_from, &row.m_envelope_to,
          &row.m_policy_domain, &row.m_fo, &row.m_rua, &row.m_ruf, &row.m_override_type,
          &row.m_override_comment, &row.m_spf_domain, &row.m_spf_scope, &row.m_spf_result})
        *text = store_text(*text);
    for (auto& dkim : row.m_dkim)
        for (auto* text : {&dkim.m_domain, &dkim.m_selector, &dkim.m_result, &dkim.m_human_result})
            *text = store_text(*text);
}

}  // namespace

std::string address_domain(std::string_view address) {
    while (!address.empty() && (address.back() == '>' || address.back() == ' '))
        address.remove_suffix(1);
    const auto at = address.rfind('@');
    if (at == std::string_view::npos)
        return {};
    std::string domain(address.substr(at + 1));
    for (auto& c : domain)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    if (!domain.empty() && domain.back() == '.')
        domain.pop_back();
    return domain;
}

std::optional<MessageRow> row_from_verdict(const RowInput& input) {
    const auto& dmarc = input.m_verdict.m_dmarc;
    if (!dmarc || !dmarc->m_output.m_record || dmarc->m_output.m_policy_domain.empty())
        return std::nullopt;
    MessageRow row;
    row.m_received_at = input.m_received_at;
    row.m_source_ip = input.m_client_ip;
    row.m_envelope_from = address_domain(input.m_mail_from);
    row.m_envelope_to = address_domain(input.m_rcpt_to);
    row.m_discovery_method = input.m_mode == dmarc::OrgDomainMode::psl ? "psl" : "treewalk";
    add_policy(row, *dmarc->m_output.m_record);
    add_evaluation(row, *dmarc);
    add_results(row, input.m_verdict.m_results);
    clean(row);
    return row;
}

}  // namespace enma::report
