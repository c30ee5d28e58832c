// message_reader.hpp - a raw RFC 5322 message cut into what an MTA hands a milter.
//
// Postfix and Sendmail pass each header field as its name and its value: every byte after
// the colon, the leading space included (enma asks for SMFIP_HDR_LEADSPC) and continuation
// lines joined by a bare "\n" (they store lines without CR). The body follows in chunks of at
// most 65535 bytes (MILTER_CHUNK_SIZE) with CRLF line ends. enma-check feeds MessageSession
// exactly that, so its verdict is the daemon's.
//
// The header section ends at the first empty line, or at the first line that is neither a
// field ("name:" with a printable name) nor a continuation: an MTA starts the body there. A
// leading mbox "From " line is skipped. CRLF and bare LF line ends are both accepted.
#pragma once

#include <cstddef>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace enma::app {

struct MilterHeader {
    std::string m_name;   // the bytes before the colon
    std::string m_value;  // the bytes after it, continuation lines joined by "\n"
};

struct MilterMessage {
    std::vector<MilterHeader> m_headers;
    std::string m_body;  // CRLF line ends
};

// The largest body chunk libmilter delivers (MILTER_CHUNK_SIZE).
inline constexpr std::size_t kMilterChunkSize = 65535;

// split_for_milter - the headers and body of `raw` as described above.
MilterMessage split_for_milter(std::string_view raw);

// body_chunks - `body` cut into pieces of at most `size` bytes (views into `body`).
std::vector<std::string_view> body_chunks(std::string_view body,
                                          std::size_t size = kMilterChunkSize);

// read_all - the whole stream; nullopt if reading failed.
std::optional<std::string> read_all(std::istream& in);

}  // namespace enma::app
