// auth_results.cpp - Authentication-Results rendering and value quoting.
#include "verify/authres/auth_results.hpp"

#include <cstddef>

namespace enma::verify {

namespace {

constexpr std::size_t kMaxValue = 512;  // longer echoed values are cut: headers stay bounded

bool is_tspecial(char c) {
    return std::string_view("()<>@,;:\\\"/[]?=").find(c) != std::string_view::npos;
}

bool is_token_char(unsigned char c) {
    return c > 0x20 && c < 0x7f && !is_tspecial(c);
}

// is_atext - RFC 5322 atext, the characters of a dot-atom's atoms.
bool is_atext(unsigned char c) {
    if (c <= 0x20 || c >= 0x7f)
        return false;
    return std::string_view("()<>[]:;@\\,.\"").find(static_cast<char>(c)) == std::string_view::npos;
}

bool is_token(std::string_view text) {
    if (text.empty())
        return false;
    for (unsigned char c : text)
        if (!is_token_char(c))
            return false;
    return true;
}

bool is_dot_atom(std::string_view text) {
    if (text.empty() || text.front() == '.' || text.back() == '.')
        return false;
    char previous = 0;
    for (char c : text) {
        if (c == '.' && previous == '.')
            return false;
        if (c != '.' && !is_atext(static_cast<unsigned char>(c)))
            return false;
        previous = c;
    }
    return true;
}

// is_plain_address - [local-part] "@" domain with a dot-atom local part, as RFC 8601 allows.
bool is_plain_address(std::string_view text) {
    const auto at = text.rfind('@');
    if (at == std::string_view::npos)
        return false;
    const auto local = text.substr(0, at);
    return (local.empty() || is_dot_atom(local)) && is_dot_atom(text.substr(at + 1));
}

void append_resinfo(std::string& out, const AuthResult& result) {
    out += result.m_method;
    out += '=';
    out += is_token(result.m_result) ? result.m_result : std::string("none");
    if (!result.m_comment.empty()) {
        out += " (";
        out += sanitize_comment(result.m_comment);
        out += ')';
    }
    if (!result.m_reason.empty()) {
        out += " reason=";
        std::string reason = quote_pvalue(result.m_reason);
        if (reason.front() != '"')
            reason = '"' + reason + '"';
        out += reason;
    }
    for (const auto& property : result.m_properties) {
        if (!is_token(property.m_ptype) || !is_token(property.m_property))
            continue;
        out += ' ';
        out += property.m_ptype;
        out += '.';
        out += property.m_property;
        out += '=';
        out += quote_pvalue(property.m_value);
    }
}

// quote_value - RFC 2045 value: a token as is, anything else as a quoted-string (the
// authserv-id is one: unlike a property, it may not be a bare local-part@domain).
std::string quote_value(std::string_view value) {
    if (value.size() > kMaxValue)
        value = value.substr(0, kMaxValue);
    if (is_token(value))
        return std::string(value);
    std::string out = "\"";
    for (unsigned char c : value) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20 || c >= 0x7f) {
            out += '?';
        } else {
            out += static_cast<char>(c);
        }
    }
    out += '"';
    return out;
}

}  // namespace

std::string quote_pvalue(std::string_view value) {
    if (value.size() > kMaxValue)
        value = value.substr(0, kMaxValue);
    if (is_plain_address(value))
        return std::string(value);
    return quote_value(value);
}

std::string sanitize_comment(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        if (c == '(' || c == ')' || c == '\\' || c < 0x20 || c >= 0x7f)
            out += '?';
        else
            out += static_cast<char>(c);
    }
    return out;
}

std::string render_auth_results(std::string_view authserv_id,
                                const std::vector<AuthResult>& results, std::string_view fold) {
    std::string out = quote_value(authserv_id);
    if (results.empty())
        return out + "; none";
    for (const auto& result : results) {
        out += ';';
        out += fold;
        append_resinfo(out, result);
    }
    return out;
}

}  // namespace enma::verify
