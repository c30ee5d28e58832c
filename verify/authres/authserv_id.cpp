// authserv_id.cpp - CFWS-aware extraction of the authserv-id.
#include "verify/authres/authserv_id.hpp"

#include "verify/message/header_field.hpp"

#include <cstddef>

namespace enma::verify {

namespace {

constexpr int kMaxCommentDepth = 64;  // deeper nesting is hostile: treat as malformed

bool is_wsp(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool is_value_char(unsigned char c) {
    if (c <= 0x20 || c == 0x7f)
        return false;
    return std::string_view("()<>@,;:\\\"/[]?=").find(static_cast<char>(c)) ==
           std::string_view::npos;
}

// skip_cfws - advance past whitespace and (nested) comments; false if a comment never ends.
bool skip_cfws(std::string_view text, std::size_t& pos) {
    while (pos < text.size()) {
        if (is_wsp(text[pos])) {
            ++pos;
            continue;
        }
        if (text[pos] != '(')
            return true;
        int depth = 0;
        for (; pos < text.size(); ++pos) {
            const char c = text[pos];
            if (c == '\\') {
                ++pos;
            } else if (c == '(') {
                if (++depth > kMaxCommentDepth)
                    return false;
            } else if (c == ')' && --depth == 0) {
                ++pos;
                break;
            }
        }
        if (depth != 0)
            return false;
    }
    return true;
}

std::optional<std::string> read_quoted(std::string_view text, std::size_t pos) {
    std::string out;
    for (++pos; pos < text.size(); ++pos) {
        if (text[pos] == '"')
            return out;
        if (text[pos] == '\\' && ++pos >= text.size())
            break;
        out += text[pos];
    }
    return std::nullopt;
}

// read_value - a token of RFC 2045 characters; 8-bit octets are allowed for RFC 6532 ids.
std::optional<std::string> read_value(std::string_view text, std::size_t pos) {
    std::string out;
    while (pos < text.size()) {
        const auto c = static_cast<unsigned char>(text[pos]);
        if (!(c >= 0x80 || is_value_char(c)))
            break;
        out += text[pos++];
    }
    if (out.empty())
        return std::nullopt;
    return out;
}

std::string_view without_final_dots(std::string_view id) {
    while (!id.empty() && id.back() == '.')
        id.remove_suffix(1);
    return id;
}

}  // namespace

std::optional<std::string> parse_authserv_id(std::string_view header_value) {
    std::size_t pos = 0;
    if (!skip_cfws(header_value, pos) || pos >= header_value.size())
        return std::nullopt;
    if (header_value[pos] == '"')
        return read_quoted(header_value, pos);
    return read_value(header_value, pos);
}

// is_own_authserv_id - a domain name and the same name with a final dot ("mx.example.") are
// one name (RFC 1034 3.1): a forger must not get past the comparison by adding the dot.
bool is_own_authserv_id(std::string_view header_value, std::string_view ours) {
    const auto id = parse_authserv_id(header_value);
    return id && message::iequals(without_final_dots(*id), without_final_dots(ours));
}

}  // namespace enma::verify
