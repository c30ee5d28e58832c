// spf_macro.cpp - macro-string parsing, expansion, transformers and URL escaping.
#include "verify/spf/spf_macro.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace enma::spf {

namespace {

constexpr std::string_view kDelimiters = ".-+,/_=";
constexpr std::size_t kMaxNameLength = 253;

// MacroExpr - one parsed %{letter transformers delimiters}.
struct MacroExpr {
    char m_letter = 0;      // lower case
    bool m_escape = false;  // upper-case letter: URL-escape the value
    unsigned m_keep = 0;    // right-hand parts to keep; 0 = all
    bool m_reverse = false;
    std::string_view m_delimiters;
};

bool is_macro_literal(char c, MacroUse use) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte == ' ')
        return use == MacroUse::explanation;
    return byte >= 0x21 && byte <= 0x7e && byte != '%';
}

bool is_allowed_letter(char letter, MacroUse use) {
    if (std::string_view("slodiphv").find(letter) != std::string_view::npos)
        return true;
    return use != MacroUse::domain_spec &&
           std::string_view("crt").find(letter) != std::string_view::npos;
}

// parse_expr - the inside of "%{...}" (without braces); nullopt if malformed.
std::optional<MacroExpr> parse_expr(std::string_view body, MacroUse use) {
    if (body.empty())
        return std::nullopt;
    MacroExpr expr;
    const char letter = body[0];
    expr.m_letter = static_cast<char>(std::tolower(static_cast<unsigned char>(letter)));
    expr.m_escape = std::isupper(static_cast<unsigned char>(letter)) != 0;
    if (!is_allowed_letter(expr.m_letter, use))
        return std::nullopt;
    std::size_t pos = 1;
    bool has_digits = false;
    while (pos < body.size() && std::isdigit(static_cast<unsigned char>(body[pos]))) {
        has_digits = true;
        expr.m_keep = std::min(expr.m_keep * 10 + static_cast<unsigned>(body[pos] - '0'), 1000u);
        ++pos;
    }
    if (has_digits && expr.m_keep == 0)
        return std::nullopt;  // "the value MUST be nonzero"
    if (pos < body.size() && (body[pos] == 'r' || body[pos] == 'R')) {
        expr.m_reverse = true;
        ++pos;
    }
    expr.m_delimiters = body.substr(pos);
    for (char c : expr.m_delimiters)
        if (kDelimiters.find(c) == std::string_view::npos)
            return std::nullopt;
    return expr;
}

// walk - split `text` into literal runs and macros; false on a syntax error.
template <typename OnLiteral, typename OnMacro>
bool walk(std::string_view text, MacroUse use, OnLiteral on_literal, OnMacro on_macro) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        const char c = text[pos];
        if (c != '%') {
            if (!is_macro_literal(c, use))
                return false;
            on_literal(text.substr(pos++, 1), false);
            continue;
        }
        if (pos + 1 >= text.size())
            return false;
        const char next = text[pos + 1];
        if (next == '%' || next == '_' || next == '-') {
            on_literal(next == '%' ? "%" : next == '_' ? " " : "%20", true);
            pos += 2;
            continue;
        }
        if (next != '{')
            return false;
        const auto close = text.find('}', pos + 2);
        if (close == std::string_view::npos)
            return false;
        const auto expr = parse_expr(text.substr(pos + 2, close - pos - 2), use);
        if (!expr)
            return false;
        on_macro(*expr);
        pos = close + 1;
    }
    return true;
}

bool is_alnum(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// is_toplabel - ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
bool is_toplabel(std::string_view label) {
    if (label.empty() || !is_alnum(label.front()) || !is_alnum(label.back()))
        return false;
    bool alpha_or_dash = false;
    for (char c : label) {
        if (!is_alnum(c) && c != '-')
            return false;
        if (c == '-' || std::isalpha(static_cast<unsigned char>(c)))
            alpha_or_dash = true;
    }
    return alpha_or_dash;
}

// ends_with_macro_expand - whether the last token of a valid macro-string is a macro-expand
// ("%{...}", "%%", "%_" or "%-").
bool ends_with_macro_expand(std::string_view text) {
    bool last_was_macro = false;
    walk(
        text, MacroUse::domain_spec,
        [&](std::string_view, bool escape) { last_was_macro = escape; },
        [&](const MacroExpr&) { last_was_macro = true; });
    return last_was_macro;
}

std::string url_escape(std::string_view value) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (char c : value) {
        const auto byte = static_cast<unsigned char>(c);
        if (is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += c;
        } else {
            out += '%';
            out += kHex[byte >> 4];
            out += kHex[byte & 0x0f];
        }
    }
    return out;
}

// transform - split on the delimiters, optionally reverse, keep the right-hand parts, join.
std::string transform(std::string_view value, const MacroExpr& expr) {
    const std::string_view delimiters = expr.m_delimiters.empty() ? "." : expr.m_delimiters;
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= value.size(); ++i) {
        if (i == value.size() || delimiters.find(value[i]) != std::string_view::npos) {
            parts.push_back(value.substr(start, i - start));
            start = i + 1;
        }
    }
    if (expr.m_reverse)
        std::reverse(parts.begin(), parts.end());
    const std::size_t keep =
        expr.m_keep == 0 ? parts.size() : std::min<std::size_t>(expr.m_keep, parts.size());
    std::string out;
    for (auto i = parts.size() - keep; i < parts.size(); ++i) {
        if (!out.empty() || i != parts.size() - keep)
            out += '.';
        out += parts[i];
    }
    return out;
}

// ip_nibbles - %{i} for IPv6: 32 dot-separated nibbles. Upper-case hex, as the openspf test
// suite expects in explanations; DNS names compare case-insensitively.
std::string ip_value(const resolver::IpAddress& ip) {
    std::string out = ip.dotted_form();
    if (ip.is_v6())
        std::transform(out.begin(), out.end(), out.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

std::string macro_value(char letter, const MacroContext& context) {
    switch (letter) {
        case 's':
            return std::string(context.m_local) + '@' + std::string(context.m_sender_domain);
        case 'l':
            return std::string(context.m_local);
        case 'o':
            return std::string(context.m_sender_domain);
        case 'd':
            return std::string(context.m_domain);
        case 'h':
            return std::string(context.m_helo);
        case 'p':
            return std::string(context.m_validated_domain);
        case 'r':
            return std::string(context.m_receiver);
        case 't':
            return std::to_string(context.m_timestamp);
        case 'i':
            return context.m_ip ? ip_value(*context.m_ip) : std::string();
        case 'c':
            return context.m_ip ? context.m_ip->to_string() : std::string();
        case 'v':
            return context.m_ip && context.m_ip->is_v6() ? "ip6" : "in-addr";
    }
    return {};
}

}  // namespace

bool is_valid_macro_string(std::string_view text, MacroUse use) noexcept {
    return walk(
        text, use, [](std::string_view, bool) {}, [](const MacroExpr&) {});
}

bool is_valid_domain_spec(std::string_view text) noexcept {
    if (text.empty() || !is_valid_macro_string(text, MacroUse::domain_spec))
        return false;
    if (ends_with_macro_expand(text))
        return true;
    if (text.back() == '.')
        text.remove_suffix(1);
    const auto dot = text.rfind('.');
    return dot != std::string_view::npos && is_toplabel(text.substr(dot + 1));
}

bool uses_macro_letter(std::string_view text, char letter) noexcept {
    bool found = false;
    const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(letter)));
    walk(
        text, MacroUse::explanation, [](std::string_view, bool) {},
        [&](const MacroExpr& expr) { found = found || expr.m_letter == lower; });
    return found;
}

std::optional<std::string> expand_macros(std::string_view text, const MacroContext& context,
                                         MacroUse use) {
    std::string out;
    const bool ok = walk(
        text, use, [&](std::string_view literal, bool) { out += literal; },
        [&](const MacroExpr& expr) {
            std::string value = transform(macro_value(expr.m_letter, context), expr);
            out += expr.m_escape ? url_escape(value) : value;
        });
    if (!ok)
        return std::nullopt;
    return out;
}

std::string to_query_name(std::string_view expanded) {
    if (!expanded.empty() && expanded.back() == '.')
        expanded.remove_suffix(1);
    while (expanded.size() > kMaxNameLength) {
        const auto dot = expanded.find('.');
        if (dot == std::string_view::npos)
            break;
        expanded.remove_prefix(dot + 1);
    }
    return std::string(expanded);
}

std::optional<std::string> expand_domain_spec(std::string_view spec, const MacroContext& context) {
    auto expanded = expand_macros(spec, context, MacroUse::domain_spec);
    if (!expanded)
        return std::nullopt;
    return to_query_name(*expanded);
}

}  // namespace enma::spf
