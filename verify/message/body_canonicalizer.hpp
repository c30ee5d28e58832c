// body_canonicalizer.hpp - DKIM body canonicalisation (RFC 6376 3.4.3, 3.4.4) as a stream.
//
// Feed the body in chunks split anywhere (inside CRLF, inside a run of WSP); the canonical
// bytes go to the sink as they become final. Invariants:
//  - Nothing of the input is kept but a count and two flags: line ends at the current end of
//    input are held back as a number (m_pending_crlf) until a later byte proves they are not
//    trailing empty lines, a WSP run is held as one flag (relaxed) until a non-WSP byte
//    follows on that line, and a CR at the end of a chunk waits for the next byte.
//  - Output is gathered in one bounded buffer per thread (empty between calls, so shared by
//    every canonicalizer of the thread) and handed to the sink in spans of up to
//    kBufferSize bytes, at the latest when add() returns: a hash is fed in large updates,
//    not byte by byte.
//  - Bare LF is a line end and becomes CRLF; a CR not followed by LF is an ordinary byte.
//  - With a limit (the l= tag) at most `limit` canonical bytes reach the sink; total_length()
//    still counts every canonical byte, so a verifier can see whether l= covered the body.
//  - finish() emits the final CRLF: simple always ends with exactly one CRLF (an empty body
//    is "CRLF"); relaxed ends with one CRLF unless the canonical body is empty.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "verify/message/canonicalization.hpp"

namespace enma::message {

class BodyCanonicalizer {
public:
    using Sink = std::function<void(std::string_view)>;
    static constexpr std::size_t kBufferSize = 16384;

    BodyCanonicalizer(Canonicalization canon, Sink sink,
                      std::optional<std::uint64_t> limit = std::nullopt);

    // add - canonicalise one chunk of raw body bytes.
    void add(std::string_view chunk);
    // finish - flush the end of the body; add() must not be called afterwards.
    void finish();

    // Canonical bytes produced so far (all of them, including those beyond the limit).
    std::uint64_t total_length() const noexcept { return m_total; }
    // Canonical bytes handed to the sink (at most the limit).
    std::uint64_t hashed_length() const noexcept { return m_hashed; }

private:
    void content(const char* begin, const char* end);
    void relaxed_content(const char* begin, const char* end);
    void line_end() noexcept;
    void flush_pending_lines();
    void write(const char* bytes, std::size_t size);
    void deliver(std::string_view bytes);
    void drain();
    static char* out_buffer();

    Canonicalization m_canon;
    Sink m_sink;
    std::optional<std::uint64_t> m_limit;
    bool m_pending_cr = false;   // a CR was the last byte seen; LF may follow
    bool m_pending_wsp = false;  // relaxed: WSP seen since the last content byte on this line
    bool m_any_content = false;  // relaxed: anything at all has been emitted
    std::uint64_t m_pending_crlf = 0;
    std::uint64_t m_total = 0;
    std::uint64_t m_hashed = 0;
    std::size_t m_used = 0;  // bytes of out_buffer() waiting for the sink; drained when full and at
                             // the end of every add() and finish()
};

}  // namespace enma::message
