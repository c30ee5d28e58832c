// smtp_reply.cpp - line by line: the code, the separator, the text.
#include "app/report/smtp_reply.hpp"

namespace enma::report {

namespace {

// ReplyLine - one parsed line: its code, whether more lines follow, its text.
struct ReplyLine {
    int m_code = 0;
    bool m_more = false;
    std::string m_text;
};

// reply_code - RFC 5321's Reply-code: %x32-35 %x30-35 %x30-39; -1 if `line` has none.
int reply_code(std::string_view line) {
    if (line.size() < 3)
        return -1;
    const char a = line[0], b = line[1], c = line[2];
    if (a < '2' || a > '5' || b < '0' || b > '5' || c < '0' || c > '9')
        return -1;
    return (a - '0') * 100 + (b - '0') * 10 + (c - '0');
}

// line_text - TAB and printable ASCII kept, octets above 0x7e as '?'; false on a control.
bool line_text(std::string_view text, std::string& out) {
    for (const char c : text) {
        const auto octet = static_cast<unsigned char>(c);
        if (octet < 0x20 && c != '\t')
            return false;
        out += octet >= 0x7f ? '?' : c;
    }
    return true;
}

// parse_line - one line without its line end; "" or why it is malformed.
std::string parse_line(std::string_view line, ReplyLine& out) {
    out.m_code = reply_code(line);
    if (out.m_code < 0)
        return "reply line does not start with a reply code";
    const char separator = line.size() > 3 ? line[3] : ' ';
    if (separator != ' ' && separator != '-')
        return "reply code not followed by a blank or '-'";
    out.m_more = separator == '-';
    if (!line_text(line.size() > 4 ? line.substr(4) : std::string_view{}, out.m_text))
        return "control character in a reply line";
    return "";
}

ReplyParse malformed(std::string why) {
    ReplyParse parse;
    parse.m_status = ReplyStatus::malformed;
    parse.m_error = std::move(why);
    return parse;
}

}  // namespace

std::string SmtpReply::summary() const {
    std::string text = std::to_string(m_code);
    for (const auto& line : m_lines) {
        if (!line.empty())
            text += ' ' + line;
        if (text.size() > kMaxSummary)
            break;
    }
    if (text.size() > kMaxSummary)
        text = text.substr(0, kMaxSummary - 3) + "...";
    return text;
}

ReplyParse parse_smtp_reply(std::string_view input) {
    ReplyParse parse;
    std::size_t at = 0;
    while (parse.m_reply.m_lines.size() < kMaxReplyLines) {
        const auto end = input.find('\n', at);
        const auto length = (end == std::string_view::npos ? input.size() : end + 1) - at;
        if (length > kMaxReplyLine)
            return malformed("reply line over " + std::to_string(kMaxReplyLine) + " octets");
        if (end == std::string_view::npos)
            return parse;  // incomplete
        std::string_view line = input.substr(at, end - at);
        if (line.ends_with('\r'))
            line.remove_suffix(1);
        ReplyLine parsed;
        if (auto why = parse_line(line, parsed); !why.empty())
            return malformed(std::move(why));
        if (at != 0 && parsed.m_code != parse.m_reply.m_code)
            return malformed("reply code changes between lines");
        parse.m_reply.m_code = parsed.m_code;
        parse.m_reply.m_lines.push_back(std::move(parsed.m_text));
        at = end + 1;
        if (!parsed.m_more) {
            parse.m_status = ReplyStatus::complete;
            parse.m_consumed = at;
            return parse;
        }
    }
    return malformed("reply of more than " + std::to_string(kMaxReplyLines) + " lines");
}

}  // namespace enma::report
