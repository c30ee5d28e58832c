// body_canonicalizer.cpp - streaming body canonicalisation, simple and relaxed.
#include "verify/message/body_canonicalizer.hpp"

#include <algorithm>

namespace enma::message {

namespace {
constexpr std::size_t flush_threshold = 16384;
constexpr std::string_view crlf = "\r\n";
}  // namespace

BodyCanonicalizer::BodyCanonicalizer(Canonicalization canon, Sink sink,
                                     std::optional<std::uint64_t> limit)
    : m_canon(canon), m_sink(std::move(sink)), m_limit(limit) {}

void BodyCanonicalizer::add(std::string_view chunk) {
    for (char c : chunk) {
        put(c);
        if (m_out.size() >= flush_threshold)
            drain();
    }
    drain();
}

// put - one raw byte; a held CR is resolved by the byte after it.
void BodyCanonicalizer::put(char c) {
    if (m_pending_cr) {
        m_pending_cr = false;
        if (c == '\n') {
            line_end();
            return;
        }
        content('\r');
    }
    if (c == '\r') {
        m_pending_cr = true;
    } else if (c == '\n') {
        line_end();
    } else if (m_canon == Canonicalization::relaxed && (c == ' ' || c == '\t')) {
        m_pending_wsp = true;
    } else {
        content(c);
    }
}

// line_end - trailing WSP of the line is dropped; the CRLF itself is held back.
void BodyCanonicalizer::line_end() {
    m_pending_wsp = false;
    ++m_pending_crlf;
}

void BodyCanonicalizer::content(char c) {
    flush_pending_lines();
    if (m_pending_wsp) {
        m_pending_wsp = false;
        emit(" ");
    }
    m_any_content = true;
    emit(std::string_view(&c, 1));
}

void BodyCanonicalizer::flush_pending_lines() {
    for (; m_pending_crlf > 0; --m_pending_crlf)
        emit(crlf);
}

void BodyCanonicalizer::finish() {
    if (m_pending_cr) {
        m_pending_cr = false;
        content('\r');
    }
    // A partial last line gets its CRLF; trailing empty lines collapse into that one CRLF.
    if (m_canon == Canonicalization::simple || m_any_content)
        emit(crlf);
    m_pending_crlf = 0;
    drain();
}

void BodyCanonicalizer::emit(std::string_view bytes) {
    m_total += bytes.size();
    if (m_limit) {
        const std::uint64_t room = *m_limit - std::min(*m_limit, m_hashed);
        bytes =
            bytes.substr(0, static_cast<std::size_t>(std::min<std::uint64_t>(room, bytes.size())));
    }
    m_hashed += bytes.size();
    m_out.append(bytes);
}

void BodyCanonicalizer::drain() {
    if (m_out.empty())
        return;
    if (m_sink)
        m_sink(m_out);
    m_out.clear();
}

}  // namespace enma::message
