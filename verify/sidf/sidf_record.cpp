// sidf_record.cpp - spf2.0 version sections and Sender ID record selection.
#include "verify/sidf/sidf_record.hpp"

#include "verify/message/header_field.hpp"

#include <cctype>

#include "verify/spf/spf_record.hpp"

namespace enma::sidf {

using spf::RecordSelection;

namespace {

// is_scope_name - scope = 1*( ALPHA / DIGIT / "-" / "_" / "." ) (a name; RFC 4406 3.1).
bool is_scope_name(std::string_view name) {
    if (name.empty())
        return false;
    for (char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
            return false;
    return true;
}

bool covers(const RecordVersion& version, SidfScope scope) {
    return scope == SidfScope::mfrom ? version.m_mfrom : version.m_pra;
}

}  // namespace

std::optional<RecordVersion> parse_version(std::string_view text) {
    RecordVersion version;
    if (spf::is_spf1_record(text)) {
        version.m_spf1 = true;
        version.m_terms_at = 6;
        return version;
    }
    constexpr std::string_view kPrefix = "spf2.0/";
    if (text.size() <= kPrefix.size() || !message::iequals(text.substr(0, kPrefix.size()), kPrefix))
        return std::nullopt;
    const auto end = std::min(text.find(' '), text.size());
    std::string_view scopes = text.substr(kPrefix.size(), end - kPrefix.size());
    while (true) {
        const auto comma = scopes.find(',');
        const auto name = scopes.substr(0, comma);
        if (!is_scope_name(name))
            return std::nullopt;
        version.m_mfrom = version.m_mfrom || message::iequals(name, "mfrom");
        version.m_pra = version.m_pra || message::iequals(name, "pra");
        if (comma == std::string_view::npos)
            break;
        scopes.remove_prefix(comma + 1);
    }
    version.m_terms_at = end;
    return version;
}

RecordSelection select_record(const std::vector<std::string>& texts, SidfScope scope) {
    RecordSelection selection;
    for (const auto& text : texts) {
        const auto version = parse_version(text);
        if (!version || version->m_spf1 || !covers(*version, scope))
            continue;
        if (selection.m_status == RecordSelection::Status::one)
            return {RecordSelection::Status::many, {}};
        selection = {RecordSelection::Status::one, text.substr(version->m_terms_at)};
    }
    if (selection.m_status == RecordSelection::Status::none)
        return spf::select_spf1(texts);
    return selection;
}

RecordSelection select_mfrom(const std::vector<std::string>& texts) {
    return select_record(texts, SidfScope::mfrom);
}

RecordSelection select_pra(const std::vector<std::string>& texts) {
    return select_record(texts, SidfScope::pra);
}

}  // namespace enma::sidf
