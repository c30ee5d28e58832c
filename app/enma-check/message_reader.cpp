// message_reader.cpp - cutting a message into milter header and body events.
#include "app/enma-check/message_reader.hpp"

#include <iterator>
#include <sstream>

namespace enma::app {

namespace {

// Line - one line of the message without its line break.
struct Line {
    std::string_view m_text;
    std::size_t m_next = 0;  // where the following line starts
};

Line line_at(std::string_view raw, std::size_t pos) {
    const std::size_t lf = raw.find('\n', pos);
    if (lf == std::string_view::npos)
        return {raw.substr(pos), raw.size()};
    const std::size_t end = (lf > pos && raw[lf - 1] == '\r') ? lf - 1 : lf;
    return {raw.substr(pos, end - pos), lf + 1};
}

bool is_continuation(std::string_view line) noexcept {
    return !line.empty() && (line.front() == ' ' || line.front() == '\t');
}

// field_name_end - the colon of a field line (RFC 5322 ftext, plus obsolete WSP before the
// colon), or npos when the line is no field.
std::size_t field_name_end(std::string_view line) noexcept {
    const std::size_t colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos || is_continuation(line))
        return std::string_view::npos;
    for (std::size_t i = 0; i < colon; ++i) {
        const auto c = static_cast<unsigned char>(line[i]);
        if (c < 33 || c > 126) {
            if (c != ' ' && c != '\t')
                return std::string_view::npos;
        }
    }
    return colon;
}

// crlf_body - `body` with every line break made CRLF.
std::string crlf_body(std::string_view body) {
    std::string out;
    out.reserve(body.size() + body.size() / 32);
    for (std::size_t i = 0; i < body.size(); ++i) {
        if (body[i] == '\n' && (i == 0 || body[i - 1] != '\r'))
            out.push_back('\r');
        out.push_back(body[i]);
    }
    return out;
}

}  // namespace

MilterMessage split_for_milter(std::string_view raw) {
    MilterMessage message;
    std::size_t pos = 0;
    if (raw.starts_with("From "))
        pos = line_at(raw, 0).m_next;
    while (pos < raw.size()) {
        const Line line = line_at(raw, pos);
        if (is_continuation(line.m_text) && !message.m_headers.empty()) {
            message.m_headers.back().m_value.append("\n").append(line.m_text);
        } else if (const auto colon = field_name_end(line.m_text);
                   colon != std::string_view::npos) {
            message.m_headers.push_back({std::string(line.m_text.substr(0, colon)),
                                         std::string(line.m_text.substr(colon + 1))});
        } else {
            if (line.m_text.empty())
                pos = line.m_next;  // the separator line belongs to neither part
            break;
        }
        pos = line.m_next;
    }
    message.m_body = crlf_body(raw.substr(std::min(pos, raw.size())));
    return message;
}

std::vector<std::string_view> body_chunks(std::string_view body, std::size_t size) {
    std::vector<std::string_view> chunks;
    for (std::size_t pos = 0; pos < body.size(); pos += size)
        chunks.push_back(body.substr(pos, size));
    return chunks;
}

std::optional<std::string> read_all(std::istream& in) {
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad())
        return std::nullopt;
    return std::move(buffer).str();
}

}  // namespace enma::app
