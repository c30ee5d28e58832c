// feedback_xml.cpp - writing report_metadata, policy_published and the records.
#include "app/enma-report/feedback_xml.hpp"

#include "app/enma-report/xml_writer.hpp"

namespace enma::report {

namespace {

void optional_leaf(XmlWriter& xml, std::string_view name, std::string_view text) {
    if (!text.empty())
        xml.leaf(name, text);
}

void write_metadata(XmlWriter& xml, const AggregateReport& report) {
    xml.open("report_metadata");
    xml.leaf("org_name", report.m_reporter.m_org_name);
    xml.leaf("email", report.m_reporter.m_email);
    optional_leaf(xml, "extra_contact_info", report.m_reporter.m_extra_contact_info);
    xml.leaf("report_id", report.m_report_id);
    xml.open("date_range");
    xml.leaf("begin", std::to_string(report.m_period.m_begin));
    xml.leaf("end", std::to_string(report.m_period.m_end - 1));
    xml.close();
    if (report.m_unreported > 0)
        xml.leaf("error", std::to_string(report.m_unreported) +
                              " message(s) without a usable client address are not reported");
    optional_leaf(xml, "generator", report.m_reporter.m_generator);
    xml.close();
}

void write_policy(XmlWriter& xml, const PolicyPublished& policy) {
    xml.open("policy_published");
    xml.leaf("domain", policy.m_domain);
    optional_leaf(xml, "discovery_method", policy.m_discovery_method);
    optional_leaf(xml, "adkim", policy.m_adkim);
    optional_leaf(xml, "aspf", policy.m_aspf);
    xml.leaf("p", policy.m_p);
    xml.leaf("sp", policy.m_sp);
    optional_leaf(xml, "np", policy.m_np);
    optional_leaf(xml, "testing", policy.m_testing);
    optional_leaf(xml, "fo", policy.m_fo);
    xml.close();
}

void write_row(XmlWriter& xml, const RecordKey& key, std::int64_t count) {
    xml.open("row");
    xml.leaf("source_ip", key.m_source_ip);
    xml.leaf("count", std::to_string(count));
    xml.open("policy_evaluated");
    xml.leaf("disposition", key.m_disposition);
    xml.leaf("dkim", key.m_dkim_aligned ? "pass" : "fail");
    xml.leaf("spf", key.m_spf_aligned ? "pass" : "fail");
    if (!key.m_override_type.empty()) {
        xml.open("reason");
        xml.leaf("type", key.m_override_type);
        optional_leaf(xml, "comment", key.m_override_comment);
        xml.close();
    }
    xml.close();
    xml.close();
}

void write_identifiers(XmlWriter& xml, const RecordKey& key) {
    xml.open("identifiers");
    optional_leaf(xml, "envelope_to", key.m_envelope_to);
    // Present but empty for the null reverse-path, as RFC 9990 allows.
    xml.leaf("envelope_from", key.m_envelope_from);
    xml.leaf("header_from", key.m_header_from);
    xml.close();
}

void write_auth_results(XmlWriter& xml, const RecordKey& key) {
    xml.open("auth_results");
    for (const auto& dkim : key.m_dkim) {
        xml.open("dkim");
        xml.leaf("domain", dkim.m_domain);
        xml.leaf("selector", dkim.m_selector);
        xml.leaf("result", dkim.m_result);
        optional_leaf(xml, "human_result", dkim.m_human_result);
        xml.close();
    }
    xml.open("spf");
    xml.leaf("domain", key.m_spf_domain);
    optional_leaf(xml, "scope", key.m_spf_scope);
    xml.leaf("result", key.m_spf_result);
    xml.close();
    xml.close();
}

}  // namespace

std::string feedback_xml(const AggregateReport& report) {
    XmlWriter xml;
    xml.open("feedback", "xmlns=\"" + std::string(kReportNamespace) + "\"");
    xml.leaf("version", "1.0");
    write_metadata(xml, report);
    write_policy(xml, report.m_policy);
    for (const auto& [key, count] : report.m_records) {
        xml.open("record");
        write_row(xml, key, count);
        write_identifiers(xml, key);
        write_auth_results(xml, key);
        xml.close();
    }
    return xml.finish();
}

}  // namespace enma::report
