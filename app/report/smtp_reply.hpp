// smtp_reply.hpp - an SMTP server's reply (RFC 5321 4.2) from the bytes it sent: one or more
// lines "CODE-text" followed by one "CODE text" (or a bare "CODE"), every line with the same
// three-digit code.
//
// Outside bytes: the relay may be any program. parse_smtp_reply never reads past its input
// and bounds what it accepts: a line of more than kMaxReplyLine octets (CRLF included) or a
// reply of more than kMaxReplyLines lines is malformed, so a reader that buffers until the
// reply is complete buffers at most kMaxReplyLine * kMaxReplyLines octets. A bare LF ends a
// line as CRLF does; control characters other than TAB make the reply malformed; octets
// above 0x7e are kept as '?' (the text goes into log records).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace enma::report {

// RFC 5321 4.5.3.1.5 allows 512 octets; servers that send more exist, so twice that.
inline constexpr std::size_t kMaxReplyLine = 1024;
inline constexpr std::size_t kMaxReplyLines = 100;

struct SmtpReply {
    int m_code = 0;                    // 200..559: first digit 2-5, second 0-5
    std::vector<std::string> m_lines;  // each line's text after "CODE-" / "CODE "

    // positive - a 2yz code.
    bool positive() const noexcept { return m_code / 100 == 2; }
    // summary - "CODE text text..." (the lines joined by a blank), cut to kMaxSummary octets.
    std::string summary() const;
    static constexpr std::size_t kMaxSummary = 300;
};

enum class ReplyStatus : unsigned char { incomplete, complete, malformed };

struct ReplyParse {
    ReplyStatus m_status = ReplyStatus::incomplete;
    SmtpReply m_reply;           // complete: the reply
    std::size_t m_consumed = 0;  // complete: the octets of `input` it took
    std::string m_error;         // malformed: why, for the log
};

// parse_smtp_reply - the first reply at the start of `input`: complete, incomplete (more bytes
// are needed) or malformed.
ReplyParse parse_smtp_reply(std::string_view input);

}  // namespace enma::report
