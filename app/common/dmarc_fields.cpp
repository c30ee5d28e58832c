// dmarc_fields.cpp - DMARC's part of the message log record.
#include "app/common/dmarc_fields.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace enma::app {

namespace {

std::string_view alignment_word(dmarc::Alignment alignment) {
    return alignment == dmarc::Alignment::strict ? "s" : "r";
}

void add_record_fields(LogRecord& record, const dmarc::DmarcRecord& policy) {
    record.add("dmarc_p", dmarc::to_string(policy.m_p));
    if (policy.m_sp)
        record.add("dmarc_sp", dmarc::to_string(*policy.m_sp));
    if (policy.m_np)
        record.add("dmarc_np", dmarc::to_string(*policy.m_np));
    record.add("dmarc_adkim", alignment_word(policy.m_adkim))
        .add("dmarc_aspf", alignment_word(policy.m_aspf))
        .add("dmarc_testing", policy.m_testing)
        .add("dmarc_fo", policy.m_fo);
    if (policy.m_pct)
        record.add("dmarc_pct", static_cast<std::int64_t>(*policy.m_pct));
    if (!policy.m_rua.empty())
        record.add("dmarc_rua", fmt::format("{}", fmt::join(policy.m_rua, ",")));
    if (!policy.m_ruf.empty())
        record.add("dmarc_ruf", fmt::format("{}", fmt::join(policy.m_ruf, ",")));
}

}  // namespace

std::string_view action_word(pipeline::Action action) noexcept {
    switch (action) {
        case pipeline::Action::reject:
            return "reject";
        case pipeline::Action::quarantine:
            return "quarantine";
        case pipeline::Action::tempfail:
            return "tempfail";
        case pipeline::Action::none:
            break;
    }
    return "none";
}

void add_dmarc_fields(LogRecord& record, const pipeline::DmarcVerdict& verdict) {
    const auto& out = verdict.m_output;
    record.add("dmarc_header_from", out.m_author_domain)
        .add("dmarc_spf_domain", verdict.m_spf_domain)
        .add("dmarc_spf_scope", verdict.m_spf_scope);
    if (out.m_record) {
        record.add("dmarc_policy_domain", out.m_policy_domain)
            .add("dmarc_policy", dmarc::to_string(out.m_policy))
            .add("dmarc_disposition", dmarc::to_string(out.m_disposition));
        add_record_fields(record, *out.m_record);
    }
    record.add("dmarc_applied", dmarc::to_string(verdict.m_applied))
        .add("dmarc_action", action_word(verdict.m_action))
        .add("dmarc_spf_aligned", out.m_spf_aligned)
        .add("dmarc_dkim_aligned", out.m_dkim_aligned);
    if (!verdict.m_override.empty())
        record.add("dmarc_override", verdict.m_override);
    if (!verdict.m_override_comment.empty())
        record.add("dmarc_override_comment", verdict.m_override_comment);
    if (out.m_dkim_aligned)
        record.add("dmarc_dkim_domain", out.m_dkim_domain)
            .add("dmarc_dkim_selector", out.m_dkim_selector);
}

}  // namespace enma::app
