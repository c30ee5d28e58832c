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

// Folder - appends tokens to the header value, folding before a token that would take its
// line past kLineTarget when the fold string allows it (contains a line break). Every token
// is at most about kMaxValue long, so no line exceeds RFC 5322's 998 octets.
class Folder {
public:
    Folder(std::string& out, std::string_view fold)
        : m_out(out),
          m_fold(fold),
          m_can_fold(fold.find('\n') != std::string_view::npos),
          m_column(kFieldName.size() + out.size()) {}

    // start_resinfo - ";" and the fold: every resinfo starts on a line of its own.
    void start_resinfo() {
        m_out += ';';
        new_line();
        m_first = true;
    }

    void add(std::string_view token) {
        if (!m_first) {
            if (m_can_fold && m_column + 1 + token.size() > kLineTarget) {
                new_line();
            } else {
                m_out += ' ';
                ++m_column;
            }
        }
        m_first = false;
        m_out += token;
        m_column += token.size();
    }

private:
    static constexpr std::string_view kFieldName = "Authentication-Results: ";
    // Not RFC 5322's 78 (a SHOULD): an ordinary resinfo stays on one line, as tools that grep
    // the header expect; only unusually long ones fold, far below the 998-octet MUST.
    static constexpr std::size_t kLineTarget = 200;

    void new_line() {
        m_out += m_fold;
        const auto newline = m_fold.rfind('\n');
        m_column = newline == std::string_view::npos ? m_column + m_fold.size()
                                                     : m_fold.size() - newline - 1;
    }

    std::string& m_out;
    std::string_view m_fold;
    bool m_can_fold;
    std::size_t m_column;
    bool m_first = true;
};

void append_resinfo(Folder& folder, const AuthResult& result) {
    folder.add(result.m_method + '=' +
               (is_token(result.m_result) ? result.m_result : std::string("none")));
    if (!result.m_comment.empty())
        folder.add("(" + sanitize_comment(result.m_comment) + ')');
    if (!result.m_reason.empty()) {
        std::string reason = quote_pvalue(result.m_reason);
        if (reason.front() != '"')
            reason = '"' + reason + '"';
        folder.add("reason=" + reason);
    }
    for (const auto& property : result.m_properties) {
        if (!is_token(property.m_ptype) || !is_token(property.m_property))
            continue;
        folder.add(property.m_ptype + '.' + property.m_property + '=' +
                   quote_pvalue(property.m_value));
    }
}

// quote_value - RFC 2045 value: a token as is, anything else as a quoted-string (the
// authserv-id is one: unlike a property, it may not be a bare local-part@domain).
// With `bound_quoted` the quoted form stays within kMaxValue as well (escapes would double
// it); the authserv-id goes without, so that it reads back as the very id enma compares
// forgeries with (config refuses '"' in it; the host name needs no escapes).
std::string quote_value(std::string_view value, bool bound_quoted = true) {
    if (value.size() > kMaxValue)
        value = value.substr(0, kMaxValue);
    if (is_token(value))
        return std::string(value);
    std::string out = "\"";
    for (unsigned char c : value) {
        if (bound_quoted && out.size() >= kMaxValue)
            break;
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
    if (text.size() > kMaxValue)
        text = text.substr(0, kMaxValue);
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
    std::string out = quote_value(authserv_id, false);
    if (results.empty())
        return out + "; none";
    Folder folder(out, fold);
    for (const auto& result : results) {
        folder.start_resinfo();
        append_resinfo(folder, result);
    }
    return out;
}

}  // namespace enma::verify
