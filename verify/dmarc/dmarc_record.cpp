// dmarc_record.cpp - parsing a DMARC policy record by the rules in dmarc_record.hpp.
#include "verify/dmarc/dmarc_record.hpp"

#include <charconv>
#include <set>

#include "verify/message/header_field.hpp"

namespace enma::dmarc {

namespace {

constexpr std::string_view kWsp = " \t";

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(kWsp);
    if (first == std::string_view::npos)
        return {};
    return text.substr(first, text.find_last_not_of(kWsp) - first + 1);
}

std::optional<Policy> parse_policy(std::string_view value) {
    if (message::iequals(value, "none"))
        return Policy::none;
    if (message::iequals(value, "quarantine"))
        return Policy::quarantine;
    if (message::iequals(value, "reject"))
        return Policy::reject;
    return std::nullopt;
}

std::optional<Alignment> parse_alignment(std::string_view value) {
    if (message::iequals(value, "r"))
        return Alignment::relaxed;
    if (message::iequals(value, "s"))
        return Alignment::strict;
    return std::nullopt;
}

// is_uri - RFC 3986 "scheme ':' hier-part", checked as far as a report address needs: a
// scheme, a colon, and a non-empty rest without white space or controls.
bool is_uri(std::string_view uri) {
    const auto colon = uri.find(':');
    if (colon == 0 || colon == std::string_view::npos || colon + 1 == uri.size())
        return false;
    const auto is_alpha = [](char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; };
    if (!is_alpha(uri[0]))
        return false;
    for (char c : uri.substr(0, colon))
        if (!is_alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.')
            return false;
    for (unsigned char c : uri.substr(colon + 1))
        if (c <= 0x20 || c >= 0x7f)
            return false;
    return true;
}

// parse_uri_list - the valid URIs of a comma-separated list, RFC 7489's "!size" removed.
std::vector<std::string> parse_uri_list(std::string_view value) {
    std::vector<std::string> uris;
    while (!value.empty()) {
        const auto comma = value.find(',');
        auto uri = trim(value.substr(0, comma));
        uri = uri.substr(0, uri.find('!'));
        if (is_uri(uri))
            uris.emplace_back(uri);
        value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
    }
    return uris;
}

bool is_fo(std::string_view value) {
    for (std::string_view option : {"0", "1", "d", "s", "d:s", "s:d"})
        if (message::iequals(value, option))
            return true;
    return false;
}

template <typename T>
std::optional<T> parse_number(std::string_view value) {
    T number{};
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (ec != std::errc{} || end != value.data() + value.size())
        return std::nullopt;
    return number;
}

struct Parsed {
    DmarcRecord m_record;
    bool m_p_valid = false;
    bool m_subpolicy_invalid = false;
};

void note(DmarcRecord& record, std::string_view name, std::string_view value) {
    record.m_notes.push_back("ignored " + std::string(name) + "=" + std::string(value));
}

// apply_policy_tag - p, sp, np: validity matters beyond the tag itself (see the header).
bool apply_policy_tag(Parsed& parsed, std::string_view name, std::string_view value) {
    const bool is_p = message::iequals(name, "p");
    if (!is_p && !message::iequals(name, "sp") && !message::iequals(name, "np"))
        return false;
    const auto policy = parse_policy(value);
    if (!policy) {
        note(parsed.m_record, name, value);
        if (!is_p)
            parsed.m_subpolicy_invalid = true;
        return true;
    }
    if (is_p) {
        parsed.m_record.m_p = *policy;
        parsed.m_p_valid = true;
    } else if (message::iequals(name, "sp")) {
        parsed.m_record.m_sp = policy;
    } else {
        parsed.m_record.m_np = policy;
    }
    return true;
}

void apply_flag_tag(DmarcRecord& record, std::string_view name, std::string_view value) {
    if (message::iequals(name, "t")) {
        if (message::iequals(value, "y") || message::iequals(value, "n"))
            record.m_testing = message::iequals(value, "y");
        else
            note(record, name, value);
    } else if (message::iequals(value, "y")) {
        record.m_psd = PsdFlag::yes;
    } else if (message::iequals(value, "n")) {
        record.m_psd = PsdFlag::no;
    } else if (!message::iequals(value, "u")) {
        note(record, name, value);
    }
}

void apply_alignment_tag(DmarcRecord& record, std::string_view name, std::string_view value) {
    const auto mode = parse_alignment(value);
    if (!mode)
        note(record, name, value);
    else if (message::iequals(name, "adkim"))
        record.m_adkim = *mode;
    else
        record.m_aspf = *mode;
}

// apply_legacy_tag - pct, rf, ri: RFC 7489 only, kept for PSL mode and the log.
void apply_legacy_tag(DmarcRecord& record, std::string_view name, std::string_view value) {
    if (message::iequals(name, "rf")) {
        record.m_rf = value;
    } else if (message::iequals(name, "ri")) {
        record.m_ri = parse_number<std::uint32_t>(value);
        if (!record.m_ri)
            note(record, name, value);
    } else {
        const auto pct = parse_number<unsigned>(value);
        if (pct && *pct <= 100)
            record.m_pct = pct;
        else
            note(record, name, value);
    }
}

void apply_tag(Parsed& parsed, std::string_view name, std::string_view value) {
    DmarcRecord& record = parsed.m_record;
    if (apply_policy_tag(parsed, name, value))
        return;
    if (message::iequals(name, "t") || message::iequals(name, "psd"))
        apply_flag_tag(record, name, value);
    else if (message::iequals(name, "adkim") || message::iequals(name, "aspf"))
        apply_alignment_tag(record, name, value);
    else if (message::iequals(name, "rua"))
        record.m_rua = parse_uri_list(value);
    else if (message::iequals(name, "ruf"))
        record.m_ruf = parse_uri_list(value);
    else if (message::iequals(name, "fo"))
        is_fo(value) ? void(record.m_fo = value) : note(record, name, value);
    else if (message::iequals(name, "pct") || message::iequals(name, "rf") ||
             message::iequals(name, "ri"))
        apply_legacy_tag(record, name, value);
    else
        note(record, name, value);
}

bool is_tag_name(std::string_view name) {
    if (name.empty())
        return false;
    for (char c : name)
        if (!((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && !(c >= '0' && c <= '9') && c != '_')
            return false;
    return true;
}

DmarcRecord invalid(std::string error) {
    DmarcRecord record;
    record.m_error = std::move(error);
    return record;
}

}  // namespace

bool is_dmarc_record(std::string_view text) noexcept {
    text = trim(text);
    if (text.empty() || (text[0] | 0x20) != 'v')
        return false;
    text = trim(text.substr(1));
    if (text.empty() || text[0] != '=')
        return false;
    text = trim(text.substr(1));
    if (text.substr(0, 6) != "DMARC1")
        return false;
    const auto rest = trim(text.substr(6));
    return rest.empty() || rest[0] == ';';
}

DmarcRecord parse_dmarc_record(std::string_view text) {
    if (!is_dmarc_record(text))
        return invalid("not a DMARC1 record");
    Parsed parsed;
    std::set<std::string> seen{"v"};
    text = text.substr(text.find("DMARC1") + 6);
    while (!text.empty()) {
        const auto semicolon = text.find(';');
        const auto item = trim(text.substr(0, semicolon));
        text =
            semicolon == std::string_view::npos ? std::string_view{} : text.substr(semicolon + 1);
        if (item.empty())
            continue;
        const auto equals = item.find('=');
        const auto name = trim(item.substr(0, equals));
        if (equals == std::string_view::npos || !is_tag_name(name)) {
            parsed.m_record.m_notes.push_back("ignored malformed tag");
            continue;
        }
        if (!seen.insert(message::to_lower_ascii(name)).second)
            return invalid("tag " + message::to_lower_ascii(name) + " appears twice");
        apply_tag(parsed, name, trim(item.substr(equals + 1)));
    }
    DmarcRecord& record = parsed.m_record;
    record.m_ok = true;
    if (parsed.m_p_valid && !parsed.m_subpolicy_invalid) {
        record.m_applies = true;
    } else if (!record.m_rua.empty()) {
        record.m_applies = true;  // RFC 9989 4.4: act as if p=none
        record.m_p = Policy::none;
        record.m_sp.reset();
        record.m_np.reset();
    }
    return record;
}

}  // namespace enma::dmarc
