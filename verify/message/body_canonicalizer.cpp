// body_canonicalizer.cpp - streaming body canonicalisation, simple and relaxed.
//
// The input is cut at line ends with memchr; what lies between is copied (simple) or copied
// in runs between the places where relaxed folds WSP, found 16 bytes at a time. Working per
// line rather than per byte keeps canonicalisation well below the cost of the SHA-256 after it.
#include "verify/message/body_canonicalizer.hpp"

#include <algorithm>
#include <cstring>
#include <memory>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace enma::message {

namespace {
constexpr char kCr = '\r';

bool is_wsp(char c) noexcept {
    return c == ' ' || c == '\t';
}

// next_fold - the first byte of [p, end) that relaxed canonicalisation changes: a tab, or a
// space followed by more WSP. Needs end[-1] not WSP. SSE2 looks at 16 bytes at a time (body
// text has a space every few bytes, so a byte-by-byte search would branch on each word).
const char* next_fold(const char* p, const char* end) {
#ifdef __SSE2__
    const __m128i tab = _mm_set1_epi8('\t');
    const __m128i space = _mm_set1_epi8(' ');
    for (; end - p > 16; p += 16) {  // the byte after the block is inside [p, end) too
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 1));
        const __m128i next_wsp =
            _mm_or_si128(_mm_cmpeq_epi8(next, tab), _mm_cmpeq_epi8(next, space));
        const __m128i fold = _mm_or_si128(_mm_cmpeq_epi8(bytes, tab),
                                          _mm_and_si128(_mm_cmpeq_epi8(bytes, space), next_wsp));
        if (const int mask = _mm_movemask_epi8(fold))
            return p + __builtin_ctz(static_cast<unsigned>(mask));
    }
#endif
    for (; p < end; ++p)
        if (*p == '\t' || (*p == ' ' && p + 1 < end && is_wsp(p[1])))
            return p;
    return end;
}
}  // namespace

BodyCanonicalizer::BodyCanonicalizer(Canonicalization canon, Sink sink,
                                     std::optional<std::uint64_t> limit)
    : m_canon(canon), m_sink(std::move(sink)), m_limit(limit) {}

// out_buffer - the output buffer: one per thread, not per canonicalizer. It holds bytes only within
// one add() or finish() (both drain it before returning), so every canonicalizer of the thread
// can share it, and a message waiting for its next body chunk holds no 16 KiB of its own
// (issue 13: 19,900 messages in flight cost 16 KiB each before).
char* BodyCanonicalizer::out_buffer() {
    thread_local std::unique_ptr<char[]> buffer;
    if (!buffer)
        buffer = std::make_unique_for_overwrite<char[]>(kBufferSize);
    return buffer.get();
}

// add - one line at a time: [p, stop) is the line's content, the LF (and a CR just before it)
// its end. A CR that ends the chunk is held: the next chunk's first byte decides what it was.
void BodyCanonicalizer::add(std::string_view chunk) {
    const char* p = chunk.data();
    const char* const end = p + chunk.size();
    if (m_pending_cr && p < end) {
        m_pending_cr = false;
        if (*p == '\n') {
            line_end();
            ++p;
        } else {
            content(&kCr, &kCr + 1);
        }
    }
    while (p < end) {
        const auto* lf = static_cast<const char*>(std::memchr(p, '\n', end - p));
        const char* stop = lf ? lf : end;
        if (stop > p && stop[-1] == '\r') {
            --stop;
            m_pending_cr = lf == nullptr;
        }
        content(p, stop);
        if (lf == nullptr)
            break;
        line_end();
        p = lf + 1;
    }
    drain();
}

// content - bytes inside one line (no line end among them); held CRLFs are due before them.
void BodyCanonicalizer::content(const char* begin, const char* end) {
    if (m_canon == Canonicalization::relaxed)
        return relaxed_content(begin, end);
    if (begin == end)
        return;
    flush_pending_lines();
    m_any_content = true;
    write(begin, static_cast<std::size_t>(end - begin));
}

// relaxed_content - each WSP run becomes one SP, and a run at the end of the line is dropped
// (line_end clears the flag). Leading WSP only sets the flag: a line of WSP alone is empty.
// Between the first and the last non-WSP byte, text whose WSP runs are single spaces is
// already canonical: it is copied as it is, up to the next tab or run of two or more WSP.
void BodyCanonicalizer::relaxed_content(const char* p, const char* end) {
    for (; p < end && is_wsp(*p); ++p)
        m_pending_wsp = true;
    if (p == end)
        return;
    flush_pending_lines();
    m_any_content = true;
    const char* last = end;  // one past the last non-WSP byte (*p is one)
    while (is_wsp(last[-1]))
        --last;
    if (m_pending_wsp)
        write(" ", 1);
    while (p < last) {
        const char* fold = next_fold(p, last);
        write(p, static_cast<std::size_t>(fold - p));
        if (fold == last)
            break;
        write(" ", 1);
        for (p = fold; is_wsp(*p);)  // stops before `last`: last[-1] is not WSP
            ++p;
    }
    m_pending_wsp = last < end;  // trailing WSP: dropped at the line end, or held for a chunk
}

// line_end - trailing WSP of the line is dropped; the CRLF itself is held back.
void BodyCanonicalizer::line_end() noexcept {
    m_pending_wsp = false;
    ++m_pending_crlf;
}

void BodyCanonicalizer::flush_pending_lines() {
    while (m_pending_crlf > 0) {
        if (kBufferSize - m_used < 2)
            drain();
        const auto room = static_cast<std::uint64_t>((kBufferSize - m_used) / 2);
        const auto lines = std::min(m_pending_crlf, room);
        char* out = out_buffer() + m_used;
        for (std::uint64_t i = 0; i < lines; ++i, out += 2) {
            out[0] = '\r';
            out[1] = '\n';
        }
        m_used += static_cast<std::size_t>(lines * 2);
        m_pending_crlf -= lines;
    }
}

// write - into the buffer; a span too large for it goes to the sink directly.
void BodyCanonicalizer::write(const char* bytes, std::size_t size) {
    if (kBufferSize - m_used < size)
        drain();
    if (size >= kBufferSize) {
        deliver(std::string_view(bytes, size));
        return;
    }
    std::memcpy(out_buffer() + m_used, bytes, size);
    m_used += size;
}

void BodyCanonicalizer::finish() {
    if (m_pending_cr) {
        m_pending_cr = false;
        content(&kCr, &kCr + 1);
    }
    // A partial last line gets its CRLF; trailing empty lines collapse into that one CRLF.
    if (m_canon == Canonicalization::simple || m_any_content)
        write("\r\n", 2);
    m_pending_crlf = 0;
    drain();
}

// deliver - count canonical bytes and pass on what the limit leaves room for.
void BodyCanonicalizer::deliver(std::string_view bytes) {
    m_total += bytes.size();
    if (m_limit) {
        const std::uint64_t room = *m_limit - std::min(*m_limit, m_hashed);
        bytes =
            bytes.substr(0, static_cast<std::size_t>(std::min<std::uint64_t>(room, bytes.size())));
    }
    m_hashed += bytes.size();
    if (!bytes.empty() && m_sink)
        m_sink(bytes);
}

void BodyCanonicalizer::drain() {
    if (m_used == 0)
        return;
    deliver(std::string_view(out_buffer(), m_used));
    m_used = 0;
}

}  // namespace enma::message
