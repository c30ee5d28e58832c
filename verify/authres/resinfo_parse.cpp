// resinfo_parse.cpp - a tokenizer over RFC 8601's grammar, comments dropped.
#include "verify/authres/resinfo_parse.hpp"

#include <optional>

#include "verify/message/header_field.hpp"

namespace enma::verify {

namespace {

// Token - a word, a quoted string (unquoted), or one of the specials ; = . /
struct Token {
    char m_special = 0;  // 0 for a word
    std::string m_text;
};

std::size_t skip_comment(std::string_view text, std::size_t at) {
    int depth = 0;
    for (; at < text.size(); ++at) {
        if (text[at] == '\\')
            ++at;
        else if (text[at] == '(')
            ++depth;
        else if (text[at] == ')' && --depth == 0)
            return at + 1;
    }
    return at;
}

std::size_t quoted(std::string_view text, std::size_t at, std::string& out) {
    for (++at; at < text.size() && text[at] != '"'; ++at) {
        if (text[at] == '\\' && at + 1 < text.size())
            ++at;
        out += text[at];
    }
    return at + 1;
}

// Dots and slashes are part of words: "header.from", "example.com", "dkim/1".
bool is_special(char c) {
    return c == ';' || c == '=' || c == '(' || c == '"' || c == ' ' || c == '\t' || c == '\r' ||
           c == '\n';
}

std::vector<Token> tokenize(std::string_view text) {
    std::vector<Token> tokens;
    for (std::size_t at = 0; at < text.size();) {
        const char c = text[at];
        if (c == '(') {
            at = skip_comment(text, at);
        } else if (c == '"') {
            tokens.push_back({});
            at = quoted(text, at, tokens.back().m_text);
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            ++at;
        } else if (is_special(c)) {
            tokens.push_back({c, std::string(1, c)});
            ++at;
        } else {
            const std::size_t begin = at;
            while (at < text.size() && !is_special(text[at]))
                ++at;
            tokens.push_back({0, std::string(text.substr(begin, at - begin))});
        }
    }
    return tokens;
}

bool is_word(const std::vector<Token>& t, std::size_t i, std::size_t end) {
    return i < end && t[i].m_special == 0;
}
bool is(const std::vector<Token>& t, std::size_t i, std::size_t end, char special) {
    return i < end && t[i].m_special == special;
}

// property - "ptype.property = value" starting at t[i]; nullopt if t[i] does not start one.
std::optional<ParsedProperty> property(const std::vector<Token>& t, std::size_t i,
                                       std::size_t end) {
    if (!is_word(t, i, end) || !is(t, i + 1, end, '=') || !is_word(t, i + 2, end))
        return std::nullopt;
    const std::string& name = t[i].m_text;
    const std::size_t dot = name.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == name.size())
        return std::nullopt;
    return ParsedProperty{message::to_lower_ascii(name.substr(0, dot)),
                          message::to_lower_ascii(name.substr(dot + 1)), t[i + 2].m_text};
}

// one_resinfo - tokens [i, end) of one resinfo: method[/version] = result, then properties
// (a reason="..." or anything else is skipped).
std::optional<ParsedResinfo> one_resinfo(const std::vector<Token>& t, std::size_t i,
                                         std::size_t end) {
    if (!is_word(t, i, end) || !is(t, i + 1, end, '=') || !is_word(t, i + 2, end))
        return std::nullopt;
    ParsedResinfo info;
    const std::string& method = t[i].m_text;
    info.m_method = message::to_lower_ascii(method.substr(0, method.find('/')));
    info.m_result = message::to_lower_ascii(t[i + 2].m_text);
    for (i += 3; i < end && info.m_properties.size() < kMaxProperties;) {
        if (auto p = property(t, i, end)) {
            info.m_properties.push_back(std::move(*p));
            i += 3;
        } else {
            ++i;
        }
    }
    return info;
}

}  // namespace

std::string_view ParsedResinfo::property(std::string_view ptype, std::string_view name) const {
    for (const auto& p : m_properties)
        if (p.m_ptype == ptype && p.m_property == name)
            return p.m_value;
    return {};
}

ParsedAuthResults parse_resinfos(std::string_view payload) {
    const std::vector<Token> tokens = tokenize(payload);
    ParsedAuthResults out;
    const std::size_t n = tokens.size();
    std::size_t i = 0;
    if (is_word(tokens, 0, n))
        out.m_authserv_id = tokens[0].m_text;
    while (i < n && !is(tokens, i, n, ';'))
        ++i;
    while (i < n && out.m_resinfos.size() < kMaxResinfos) {
        const std::size_t begin = ++i;
        while (i < n && !is(tokens, i, n, ';'))
            ++i;
        if (auto info = one_resinfo(tokens, begin, i))
            out.m_resinfos.push_back(std::move(*info));
    }
    return out;
}

}  // namespace enma::verify
