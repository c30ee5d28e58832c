// enma_check_report.cpp - the header line and the JSON object of enma-check.
#include "app/enma-check/enma_check_report.hpp"

#include "app/common/arc_fields.hpp"
#include "app/common/dmarc_fields.hpp"
#include "verify/authres/auth_results.hpp"

namespace enma::app {

namespace {

nlohmann::ordered_json result_json(const verify::AuthResult& result) {
    nlohmann::ordered_json properties = nlohmann::ordered_json::object();
    for (const auto& property : result.m_properties)
        properties[property.m_ptype + "." + property.m_property] = property.m_value;
    return {{"method", result.m_method},   {"result", result.m_result}, {"reason", result.m_reason},
            {"comment", result.m_comment}, {"dnssec", result.m_dnssec}, {"properties", properties}};
}

nlohmann::ordered_json dns_json(const pipeline::Verdict& verdict) {
    return {{"queries", verdict.m_queries},
            {"queries_refused", verdict.m_queries_refused},
            {"secure", verdict.m_dns.m_secure},
            {"insecure", verdict.m_dns.m_insecure},
            {"bogus", verdict.m_dns.m_bogus},
            {"unchecked", verdict.m_dns.m_unchecked},
            {"failures", verdict.m_dns.m_failures},
            {"eom_ms", verdict.m_eom_ms},
            {"deadline_expired", verdict.m_deadline_expired}};
}

// without_prefix - a LogRecord's fields starting with `prefix`, as one object without it.
nlohmann::ordered_json without_prefix(const LogRecord& record, std::string_view prefix) {
    const auto fields = nlohmann::ordered_json::parse("{" + record.json_fields() + "}");
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (const auto& [key, value] : fields.items())
        if (key.rfind(prefix, 0) == 0)
            out[key.substr(prefix.size())] = value;
    return out;
}

// dmarc_json - the daemon's dmarc_* log fields, as one object without the prefix.
nlohmann::ordered_json dmarc_json(const pipeline::Verdict& verdict) {
    if (!verdict.m_dmarc)
        return nullptr;
    LogRecord record("dmarc");
    add_dmarc_fields(record, *verdict.m_dmarc);
    return without_prefix(record, "dmarc_");
}

// arc_json - the result and the daemon's arc_* log fields, as one object without the prefix.
nlohmann::ordered_json arc_json(const pipeline::Verdict& verdict) {
    if (!verdict.m_arc)
        return nullptr;
    LogRecord record("arc");
    record.add("arc_result", arc::to_string(verdict.m_arc->m_output.m_result));
    if (!verdict.m_arc->m_output.m_reason.empty())
        record.add("arc_reason", verdict.m_arc->m_output.m_reason);
    add_arc_fields(record, *verdict.m_arc);
    return without_prefix(record, "arc_");
}

nlohmann::ordered_json envelope_json(const CheckEnvelope& envelope) {
    return {{"ip", envelope.m_ip},
            {"hostname", envelope.m_hostname},
            {"helo", envelope.m_helo},
            {"mail_from", envelope.m_mail_from},
            {"rcpt", envelope.m_rcpts}};
}

}  // namespace

std::string header_line(std::string_view authserv_id, const pipeline::Verdict& verdict,
                        std::string_view fold) {
    return "Authentication-Results: " +
           verify::render_auth_results(authserv_id, verdict.m_results, fold);
}

namespace {

// refold - `value` (folded "\n\t") with `fold` instead.
std::string refold(std::string_view value, std::string_view fold) {
    std::string out;
    for (char c : value) {
        if (c == '\n') {
            out += fold.substr(0, fold.size() - 1);  // the TAB after it stays
            continue;
        }
        out += c;
    }
    return out;
}

// one_line - `value` unfolded: each "\n\t" becomes one SP (the same under relaxed
// canonicalisation).
std::string one_line(std::string_view value) {
    std::string out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '\n' && i + 1 < value.size() && value[i + 1] == '\t') {
            out += ' ';
            ++i;
            continue;
        }
        out += value[i];
    }
    return out;
}

}  // namespace

std::vector<std::string> seal_lines(const arc::SealedSet& set, std::string_view fold) {
    const auto line = [&](std::string_view name, const std::string& value) {
        return std::string(name) + ": " + refold(value, fold);
    };
    return {line(arc::kSealName, set.m_seal), line(arc::kAmsName, set.m_ams),
            line(arc::kAarName, set.m_aar)};
}

nlohmann::ordered_json seal_json(const pipeline::Verdict& verdict) {
    nlohmann::ordered_json out;
    out["sealed"] = verdict.m_seal ? verdict.m_seal->log_value() : "none";
    out["reason"] = verdict.m_seal ? verdict.m_seal->m_skipped : "sealing is off";
    nlohmann::ordered_json fields = nlohmann::ordered_json::object();
    if (verdict.m_seal && verdict.m_seal->m_set) {
        const auto& set = *verdict.m_seal->m_set;
        fields[std::string(arc::kSealName)] = one_line(set.m_seal);
        fields[std::string(arc::kAmsName)] = one_line(set.m_ams);
        fields[std::string(arc::kAarName)] = one_line(set.m_aar);
    }
    out["fields"] = fields;
    return out;
}

nlohmann::ordered_json verdict_json(std::string_view authserv_id, const pipeline::Verdict& verdict,
                                    const CheckEnvelope& envelope) {
    nlohmann::ordered_json results = nlohmann::ordered_json::array();
    for (const auto& result : verdict.m_results)
        results.push_back(result_json(result));
    // The header without folding: one line, easy to compare or grep.
    const std::string header = verify::render_auth_results(authserv_id, verdict.m_results, " ");
    return {{"authserv_id", authserv_id},
            {"authentication_results", header},
            {"envelope", envelope_json(envelope)},
            {"header_from", verdict.m_header_from},
            {"results", results},
            {"forged_authentication_results", verdict.m_forged_indices},
            {"arc", arc_json(verdict)},
            {"dmarc", dmarc_json(verdict)},
            {"action", action_word(verdict.m_action)},
            {"dns", dns_json(verdict)}};
}

}  // namespace enma::app
