// sidfquery_trace.cpp - formatting of the -v lines.
#include "app/sidfquery/sidfquery_trace.hpp"

#include <cstdio>
#include <variant>

namespace enma::app {

namespace {

// describe_record - one record as text: an address, "PREF EXCHANGE", or a (quoted) string.
std::string describe_record(const resolver::RecordData& record, resolver::RrType type) {
    if (const auto* address = std::get_if<resolver::IpAddress>(&record))
        return address->to_string();
    if (const auto* mx = std::get_if<resolver::MxRecord>(&record))
        return std::to_string(mx->m_preference) + " " + printable(mx->m_exchange);
    const auto& text = std::get<std::string>(record);
    const bool is_text = type == resolver::RrType::txt || type == resolver::RrType::spf;
    return is_text ? "\"" + printable(text) + "\"" : printable(text);
}

}  // namespace

std::string printable(std::string_view text, std::size_t limit) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (i == limit)
            return out + "...";
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte < 0x20 || byte > 0x7e || byte == '"' || byte == '\\') {
            char escaped[5];
            std::snprintf(escaped, sizeof escaped, "\\x%02X", byte);
            out += escaped;
        } else {
            out += static_cast<char>(byte);
        }
    }
    return out;
}

std::string describe_lookup(const std::string& name, resolver::RrType type,
                            const resolver::Answer& answer) {
    std::string line = "lookup " + printable(name) + " " + std::string(to_string(type)) + ": " +
                       std::string(to_string(answer.m_status)) + " " +
                       std::string(to_string(answer.m_security));
    if (answer.m_status == resolver::DnsStatus::noerror ||
        answer.m_status == resolver::DnsStatus::nodata ||
        answer.m_status == resolver::DnsStatus::nxdomain)
        line += " ttl=" + std::to_string(answer.m_ttl);
    for (const auto& record : answer.m_records)
        line += " " + describe_record(record, type);
    if (answer.m_security == resolver::Security::bogus)
        line += " why=\"" + printable(answer.m_why_bogus) + "\"";
    return line;
}

void VerboseLog::line(std::string_view text) const {
    if (!m_out)
        return;
    *m_out << text << '\n';
    m_out->flush();
}

resolver::ScopedResolver::Trace VerboseLog::tracer() const {
    if (!m_out)
        return {};
    return [log = *this](const std::string& name, resolver::RrType type,
                         const resolver::Answer& answer) {
        log.line(describe_lookup(name, type, answer));
    };
}

}  // namespace enma::app
