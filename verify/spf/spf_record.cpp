// spf_record.cpp - the term grammar of RFC 7208 sections 4.6.1, 5 and 6.
#include "verify/spf/spf_record.hpp"

#include <arpa/inet.h>

#include <cctype>

#include "verify/spf/spf_macro.hpp"

namespace enma::spf {

namespace {

using Error = std::optional<std::string>;

std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool all_digits(std::string_view text) {
    if (text.empty())
        return false;
    for (char c : text)
        if (!std::isdigit(static_cast<unsigned char>(c)))
            return false;
    return true;
}

// parse_cidr - 1*DIGIT without leading zeros, at most `max` (RFC 7208 section 5.6).
std::optional<unsigned> parse_cidr(std::string_view digits, unsigned max) {
    if (!all_digits(digits) || digits.size() > 3 || (digits.size() > 1 && digits[0] == '0'))
        return std::nullopt;
    unsigned value = 0;
    for (char c : digits)
        value = value * 10 + static_cast<unsigned>(c - '0');
    if (value > max)
        return std::nullopt;
    return value;
}

// is_modifier_name - name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )
bool is_modifier_name(std::string_view name) {
    if (name.empty() || !std::isalpha(static_cast<unsigned char>(name[0])))
        return false;
    for (char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
            return false;
    return true;
}

Error parse_modifier(std::string_view name, std::string_view value, SpfRecord& record) {
    const std::string key = lower(name);
    if (key == "redirect" || key == "exp") {
        auto& slot = key == "redirect" ? record.m_redirect : record.m_explanation;
        if (slot)
            return key + "= appears twice";
        if (!is_valid_domain_spec(value))
            return "bad domain-spec in " + key + "=";
        slot = std::string(value);
        return std::nullopt;
    }
    if (!is_valid_macro_string(value, MacroUse::modifier_value))
        return "bad macro-string in modifier " + std::string(name);
    return std::nullopt;
}

// strip_dual_cidr - take "/n", "//n" or "/n//m" off the end of an a / mx argument.
Error strip_dual_cidr(std::string_view& rest, Mechanism& mechanism) {
    auto pos = rest.rfind("//");
    if (pos != std::string_view::npos && all_digits(rest.substr(pos + 2))) {
        const auto cidr = parse_cidr(rest.substr(pos + 2), 128);
        if (!cidr)
            return "bad ip6-cidr-length";
        mechanism.m_cidr6 = *cidr;
        rest = rest.substr(0, pos);
    }
    pos = rest.rfind('/');
    if (pos != std::string_view::npos && all_digits(rest.substr(pos + 1))) {
        const auto cidr = parse_cidr(rest.substr(pos + 1), 32);
        if (!cidr)
            return "bad ip4-cidr-length";
        mechanism.m_cidr4 = *cidr;
        rest = rest.substr(0, pos);
    }
    return std::nullopt;
}

// parse_target - ":" domain-spec (required or optional) as the whole of `rest`.
Error parse_target(std::string_view rest, bool required, Mechanism& mechanism) {
    if (rest.empty()) {
        if (required)
            return "missing domain-spec";
        return std::nullopt;
    }
    if (rest[0] != ':')
        return "unexpected text after mechanism name";
    rest.remove_prefix(1);
    if (!is_valid_domain_spec(rest))
        return "bad domain-spec";
    mechanism.m_domain_spec = std::string(rest);
    return std::nullopt;
}

Error parse_ip4(std::string_view rest, Mechanism& mechanism) {
    if (rest.empty() || rest[0] != ':')
        return "ip4 needs an address";
    rest.remove_prefix(1);
    const auto slash = rest.find('/');
    const auto text = rest.substr(0, slash);
    const auto address = resolver::IpAddress::parse(text);
    if (!address || !address->is_v4() || text.find(':') != std::string_view::npos)
        return "bad ip4-network";
    mechanism.m_ip4 = *address;
    if (slash != std::string_view::npos) {
        const auto cidr = parse_cidr(rest.substr(slash + 1), 32);
        if (!cidr)
            return "bad ip4-cidr-length";
        mechanism.m_cidr4 = *cidr;
    }
    return std::nullopt;
}

Error parse_ip6(std::string_view rest, Mechanism& mechanism) {
    if (rest.empty() || rest[0] != ':')
        return "ip6 needs an address";
    rest.remove_prefix(1);
    const auto slash = rest.find('/');
    const std::string text(rest.substr(0, slash));
    if (text.size() > 45 || inet_pton(AF_INET6, text.c_str(), mechanism.m_ip6.data()) != 1)
        return "bad ip6-network";
    if (slash != std::string_view::npos) {
        const auto cidr = parse_cidr(rest.substr(slash + 1), 128);
        if (!cidr)
            return "bad ip6-cidr-length";
        mechanism.m_cidr6 = *cidr;
    }
    return std::nullopt;
}

std::optional<MechanismKind> mechanism_kind(std::string_view name) {
    static constexpr std::pair<std::string_view, MechanismKind> kKinds[] = {
        {"all", MechanismKind::all}, {"include", MechanismKind::include},
        {"a", MechanismKind::a},     {"mx", MechanismKind::mx},
        {"ptr", MechanismKind::ptr}, {"ip4", MechanismKind::ip4},
        {"ip6", MechanismKind::ip6}, {"exists", MechanismKind::exists}};
    const std::string key = lower(name);
    for (const auto& [word, kind] : kKinds)
        if (word == key)
            return kind;
    return std::nullopt;
}

Error parse_arguments(std::string_view rest, Mechanism& mechanism) {
    switch (mechanism.m_kind) {
        case MechanismKind::all:
            return rest.empty() ? Error{} : Error{"all takes no argument"};
        case MechanismKind::include:
        case MechanismKind::exists:
            return parse_target(rest, true, mechanism);
        case MechanismKind::ptr:
            return parse_target(rest, false, mechanism);
        case MechanismKind::a:
        case MechanismKind::mx:
            if (auto error = strip_dual_cidr(rest, mechanism))
                return error;
            return parse_target(rest, false, mechanism);
        case MechanismKind::ip4:
            return parse_ip4(rest, mechanism);
        case MechanismKind::ip6:
            return parse_ip6(rest, mechanism);
    }
    return "unknown mechanism";
}

Error parse_mechanism(std::string_view term, SpfRecord& record) {
    Mechanism mechanism;
    mechanism.m_text = std::string(term);
    if (!term.empty() && std::string_view("+-~?").find(term[0]) != std::string_view::npos) {
        mechanism.m_qualifier = static_cast<Qualifier>(term[0]);
        term.remove_prefix(1);
    }
    const auto end = term.find_first_of(":/");
    const auto kind = mechanism_kind(term.substr(0, end));
    if (!kind)
        return "unknown mechanism '" + mechanism.m_text + "'";
    mechanism.m_kind = *kind;
    const auto rest = end == std::string_view::npos ? std::string_view{} : term.substr(end);
    if (auto error = parse_arguments(rest, mechanism))
        return *error + " in '" + mechanism.m_text + "'";
    record.m_mechanisms.push_back(std::move(mechanism));
    return std::nullopt;
}

Error parse_term(std::string_view term, SpfRecord& record) {
    const auto equals = term.find('=');
    if (equals != std::string_view::npos && is_modifier_name(term.substr(0, equals)))
        return parse_modifier(term.substr(0, equals), term.substr(equals + 1), record);
    return parse_mechanism(term, record);
}

}  // namespace

bool Mechanism::uses_dns() const noexcept {
    switch (m_kind) {
        case MechanismKind::include:
        case MechanismKind::a:
        case MechanismKind::mx:
        case MechanismKind::ptr:
        case MechanismKind::exists:
            return true;
        default:
            return false;
    }
}

SpfResult result_of(Qualifier qualifier) noexcept {
    switch (qualifier) {
        case Qualifier::pass:
            return SpfResult::pass;
        case Qualifier::fail:
            return SpfResult::fail;
        case Qualifier::softfail:
            return SpfResult::softfail;
        case Qualifier::neutral:
            return SpfResult::neutral;
    }
    return SpfResult::neutral;
}

bool is_spf1_record(std::string_view text) noexcept {
    if (text.size() < 6 || lower(text.substr(0, 6)) != "v=spf1")
        return false;
    return text.size() == 6 || text[6] == ' ';
}

RecordParse parse_record(std::string_view text) {
    if (!is_spf1_record(text))
        return {std::nullopt, "not a v=spf1 record"};
    return parse_terms(text.substr(6));
}

RecordParse parse_terms(std::string_view terms) {
    SpfRecord record;
    std::size_t pos = 0;
    while (pos < terms.size()) {
        if (terms[pos] == ' ') {
            ++pos;
            continue;
        }
        const auto end = std::min(terms.find(' ', pos), terms.size());
        if (auto error = parse_term(terms.substr(pos, end - pos), record))
            return {std::nullopt, std::move(*error)};
        pos = end;
    }
    return {std::move(record), {}};
}

}  // namespace enma::spf
