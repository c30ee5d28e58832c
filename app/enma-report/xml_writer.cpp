// xml_writer.cpp - escaping and the element stack.
#include "app/enma-report/xml_writer.hpp"

#include <cstdint>

namespace enma::report {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// utf8_length - the length of the well-formed UTF-8 sequence at text[0], 0 if it is not one.
std::size_t utf8_length(std::string_view text) {
    const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(text[i]); };
    const std::uint8_t lead = byte(0);
    std::size_t length = 0;
    std::uint32_t min = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2, min = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3, min = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4, min = 0x10000;
    } else {
        return 0;
    }
    if (text.size() < length)
        return 0;
    std::uint32_t code = lead & (0x3F >> (length - 1));
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(i) & 0xC0) != 0x80)
            return 0;
        code = (code << 6) | (byte(i) & 0x3F);
    }
    const bool surrogate = code >= 0xD800 && code <= 0xDFFF;
    const bool nonchar = code == 0xFFFE || code == 0xFFFF;
    return (code < min || code > 0x10FFFF || surrogate || nonchar) ? 0 : length;
}

// append_ascii - one ASCII character, escaped or dropped as XML 1.0 requires.
void append_ascii(std::string& out, char c) {
    switch (c) {
        case '&':
            out += "&amp;";
            return;
        case '<':
            out += "&lt;";
            return;
        case '>':
            out += "&gt;";
            return;
        case '"':
            out += "&quot;";
            return;
        case '\'':
            out += "&apos;";
            return;
    }
    const auto code = static_cast<unsigned char>(c);
    if (code >= 0x20 || c == '\t' || c == '\n' || c == '\r')
        out += c;
}

}  // namespace

std::string escape_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    while (!text.empty()) {
        if (static_cast<unsigned char>(text.front()) < 0x80) {
            append_ascii(out, text.front());
            text.remove_prefix(1);
            continue;
        }
        const std::size_t length = utf8_length(text);
        out += length == 0 ? kReplacement : text.substr(0, length);
        text.remove_prefix(length == 0 ? 1 : length);
    }
    return out;
}

XmlWriter::XmlWriter() : m_out("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n") {}

void XmlWriter::indent() {
    m_out.append(2 * m_open.size(), ' ');
}

void XmlWriter::open(std::string_view name, std::string_view attributes) {
    indent();
    m_out += '<';
    m_out += name;
    if (!attributes.empty()) {
        m_out += ' ';
        m_out += attributes;
    }
    m_out += ">\n";
    m_open.emplace_back(name);
}

void XmlWriter::close() {
    const std::string name = std::move(m_open.back());
    m_open.pop_back();
    indent();
    m_out += "</" + name + ">\n";
}

void XmlWriter::leaf(std::string_view name, std::string_view text) {
    indent();
    m_out += '<';
    m_out += name;
    m_out += '>';
    m_out += escape_text(text);
    m_out += "</";
    m_out += name;
    m_out += ">\n";
}

std::string XmlWriter::finish() {
    while (!m_open.empty())
        close();
    return std::move(m_out);
}

}  // namespace enma::report
