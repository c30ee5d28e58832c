// body_canonicalizer.hpp - DKIM body canonicalisation (RFC 6376 3.4.3, 3.4.4) as a stream.
//
// Feed the body in chunks split anywhere (inside CRLF, inside a run of WSP); the canonical
// bytes go to the sink as they become final. Invariants:
//  - Nothing is buffered but a count: line ends at the current end of input are held back as
//    a number (m_pending_crlf) until a later byte proves they are not trailing empty lines,
//    and a WSP run is held as one flag (relaxed) until a non-WSP byte follows on that line.
//  - Bare LF is a line end and becomes CRLF; a CR not followed by LF is an ordinary byte.
//  - With a limit (the l= tag) at most `limit` canonical bytes reach the sink; total_length()
//    still counts every canonical byte, so a verifier can see whether l= covered the body.
//  - finish() emits the final CRLF: simple always ends with exactly one CRLF (an empty body
//    is "CRLF"); relaxed ends with one CRLF unless the canonical body is empty.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "verify/message/canonicalization.hpp"

namespace enma::message {

class BodyCanonicalizer {
public:
    using Sink = std::function<void(std::string_view)>;

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
    void put(char c);
    void line_end();
    void content(char c);
    void flush_pending_lines();
    void emit(std::string_view bytes);
    void drain();

    Canonicalization m_canon;
    Sink m_sink;
    std::optional<std::uint64_t> m_limit;
    bool m_pending_cr = false;   // a CR was the last byte seen; LF may follow
    bool m_pending_wsp = false;  // relaxed: WSP seen since the last content byte on this line
    bool m_any_content = false;  // relaxed: anything at all has been emitted
    std::uint64_t m_pending_crlf = 0;
    std::uint64_t m_total = 0;
    std::uint64_t m_hashed = 0;
    std::string m_out;  // bytes waiting to go to the sink (bounded; flushed per add())
};

}  // namespace enma::message
