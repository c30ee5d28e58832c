// header_field.cpp - header field helpers and splitting of a raw message into fields.
#include "verify/message/header_field.hpp"

#include <algorithm>

namespace enma::message {

namespace {

bool is_fws_char(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

char lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

// line_end - index just past the line starting at `pos`, and the length of its line break.
std::pair<std::size_t, std::size_t> line_end(std::string_view text, std::size_t pos) {
    const std::size_t lf = text.find('\n', pos);
    if (lf == std::string_view::npos)
        return {text.size(), 0};
    const std::size_t brk = (lf > pos && text[lf - 1] == '\r') ? 2 : 1;
    return {lf + 1, brk};
}

}  // namespace

bool HeaderField::is(std::string_view name) const noexcept {
    return iequals(trim_wsp(m_name), name);
}

std::string_view trim_wsp(std::string_view text) noexcept {
    while (!text.empty() && is_fws_char(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && is_fws_char(text.back()))
        text.remove_suffix(1);
    return text;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
}

std::string to_lower_ascii(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        c = lower(c);
    return out;
}

std::string unfold(std::string_view raw_value) {
    std::string out;
    out.reserve(raw_value.size());
    for (std::size_t i = 0; i < raw_value.size(); ++i) {
        const char c = raw_value[i];
        const bool crlf = c == '\r' && i + 1 < raw_value.size() && raw_value[i + 1] == '\n';
        const std::size_t next = crlf ? i + 2 : i + 1;
        const bool wsp_follows =
            next < raw_value.size() && (raw_value[next] == ' ' || raw_value[next] == '\t');
        if ((crlf || c == '\n') && wsp_follows) {
            i = next - 1;  // drop the line break, keep the WSP
            continue;
        }
        out.push_back(c);
    }
    return out;
}

HeaderBlock split_message(std::string_view message) {
    HeaderBlock block;
    std::size_t pos = 0;
    std::string_view previous_break;  // the break ending the previous line, kept on folding
    while (pos < message.size()) {
        auto [end, brk] = line_end(message, pos);
        if (end - pos == brk && brk != 0) {  // the empty line ends the header block
            block.m_body_offset = end;
            block.m_has_body_separator = true;
            return block;
        }
        const std::string_view line = message.substr(pos, end - pos - brk);
        if ((line[0] == ' ' || line[0] == '\t') && !block.m_fields.empty()) {
            block.m_fields.back().m_raw_value.append(previous_break).append(line);
        } else if (const std::size_t colon = line.find(':'); colon != std::string_view::npos) {
            block.m_fields.push_back(
                {std::string(line.substr(0, colon)), std::string(line.substr(colon + 1))});
        }
        previous_break = message.substr(end - brk, brk);
        pos = end;
    }
    block.m_body_offset = message.size();
    return block;
}

}  // namespace enma::message
