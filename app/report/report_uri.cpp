// report_uri.cpp - splitting, percent-decoding and checking rua / ruf URIs.
#include "app/report/report_uri.hpp"

#include <algorithm>
#include <cctype>
#include <variant>

#include "verify/message/header_field.hpp"

namespace enma::report {

namespace {

constexpr std::size_t kMaxAddress = 254;

std::string_view trim(std::string_view text) {
    const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!text.empty() && blank(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && blank(text.back()))
        text.remove_suffix(1);
    return text;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return (lower >= 'a' && lower <= 'f') ? lower - 'a' + 10 : -1;
}

// percent_decode - RFC 3986 %XX; nullopt on a broken escape.
std::optional<std::string> percent_decode(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (i + 2 >= text.size())
            return std::nullopt;
        const int high = hex_value(text[i + 1]), low = hex_value(text[i + 2]);
        if (high < 0 || low < 0)
            return std::nullopt;
        out += static_cast<char>(high * 16 + low);
        i += 2;
    }
    return out;
}

// is_atext - RFC 5322 atext without "/", "|" and "`", which some MTAs treat as file or
// program deliveries.
bool is_atext(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("!#$%&'*+-=?^_{}~").find(c) != std::string_view::npos;
}

bool is_dot_atom(std::string_view text, bool (*allowed)(char)) {
    if (text.empty() || text.front() == '.' || text.back() == '.')
        return false;
    if (text.find("..") != std::string_view::npos)
        return false;
    return std::all_of(text.begin(), text.end(), [&](char c) { return c == '.' || allowed(c); });
}

bool is_ldh(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
}

// size_limit - "123", "10k", "10m", "1g", "1t" (RFC 7489 units, powers of two).
std::optional<std::uint64_t> size_limit(std::string_view text) {
    if (text.empty() || !std::isdigit(static_cast<unsigned char>(text.front())))
        return std::nullopt;
    std::uint64_t value = 0;
    std::size_t i = 0;
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
        if (value > (UINT64_MAX >> 41))
            return std::nullopt;
        value = value * 10 + static_cast<std::uint64_t>(text[i] - '0');
    }
    const std::string_view unit = text.substr(i);
    constexpr std::string_view kUnits = "kmgt";
    if (unit.empty())
        return value;
    const auto shift = kUnits.find(static_cast<char>(std::tolower(unit.front())));
    if (unit.size() != 1 || shift == std::string_view::npos)
        return std::nullopt;
    return value << (10 * (shift + 1));
}

// parse_one - one trimmed URI, or the reason it is skipped.
std::variant<ReportUri, std::string> parse_one(std::string_view text) {
    ReportUri uri;
    uri.m_uri = std::string(text);
    const auto bang = text.rfind('!');
    if (bang != std::string_view::npos) {
        uri.m_max_size = size_limit(text.substr(bang + 1));
        if (!uri.m_max_size)
            return std::string("bad size limit");
        text = text.substr(0, bang);
    }
    if (message::to_lower_ascii(text.substr(0, 7)) != "mailto:")
        return std::string("not a mailto: URI");
    text.remove_prefix(7);
    if (text.find('?') != std::string_view::npos)
        return std::string("mailto: header fields are not supported");
    const auto address = percent_decode(text);
    if (!address || address->size() > kMaxAddress)
        return std::string("bad address");
    const auto at = address->rfind('@');
    if (at == std::string::npos || !is_dot_atom(address->substr(0, at), is_atext) ||
        !is_dot_atom(address->substr(at + 1), is_ldh))
        return std::string("bad address");
    uri.m_host = message::to_lower_ascii(address->substr(at + 1));
    uri.m_address = address->substr(0, at) + "@" + uri.m_host;
    return uri;
}

}  // namespace

ReportUriList parse_report_uris(std::string_view list) {
    ReportUriList out;
    while (!list.empty()) {
        const auto comma = list.find(',');
        const std::string_view item = trim(list.substr(0, comma));
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
        if (item.empty())
            continue;
        auto parsed = parse_one(item);
        if (auto* uri = std::get_if<ReportUri>(&parsed))
            out.m_uris.push_back(std::move(*uri));
        else
            out.m_skipped.push_back(std::string(item) + ": " + std::get<std::string>(parsed));
    }
    return out;
}

}  // namespace enma::report
