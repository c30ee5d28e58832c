// milter_protocol.hpp - the milter wire protocol (version 6) as the MTA side sees it.
//
// A packet is a 4-byte big-endian length (command byte included), one command byte, then the
// data. The constants are written out here, not taken from libmilter's headers: milterload is
// an MTA and shares no code with the filters it measures.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace milterload {

// Commands the MTA sends.
namespace command {
inline constexpr char kAbort = 'A';
inline constexpr char kBody = 'B';
inline constexpr char kConnect = 'C';
inline constexpr char kMacro = 'D';
inline constexpr char kEndOfMessage = 'E';
inline constexpr char kHelo = 'H';
inline constexpr char kHeader = 'L';
inline constexpr char kMail = 'M';
inline constexpr char kEndOfHeaders = 'N';
inline constexpr char kOptionNegotiation = 'O';
inline constexpr char kQuit = 'Q';
inline constexpr char kRcpt = 'R';
inline constexpr char kData = 'T';
}  // namespace command

// Replies the filter sends.
namespace reply {
inline constexpr char kAccept = 'a';
inline constexpr char kContinue = 'c';
inline constexpr char kDiscard = 'd';
inline constexpr char kProgress = 'p';
inline constexpr char kReject = 'r';
inline constexpr char kSkip = 's';
inline constexpr char kTempfail = 't';
inline constexpr char kReplyCode = 'y';
inline constexpr char kOptionNegotiation = 'O';
}  // namespace reply

// Protocol flags (SMFIP_*): "don't send this step" and "don't reply to this step".
namespace step {
inline constexpr uint32_t kNoConnect = 0x1;
inline constexpr uint32_t kNoHelo = 0x2;
inline constexpr uint32_t kNoMail = 0x4;
inline constexpr uint32_t kNoRcpt = 0x8;
inline constexpr uint32_t kNoBody = 0x10;
inline constexpr uint32_t kNoHeaders = 0x20;
inline constexpr uint32_t kNoEndOfHeaders = 0x40;
inline constexpr uint32_t kNoReplyHeader = 0x80;
inline constexpr uint32_t kNoUnknown = 0x100;
inline constexpr uint32_t kNoData = 0x200;
inline constexpr uint32_t kSkip = 0x400;
inline constexpr uint32_t kRcptRejected = 0x800;
inline constexpr uint32_t kNoReplyConnect = 0x1000;
inline constexpr uint32_t kNoReplyHelo = 0x2000;
inline constexpr uint32_t kNoReplyMail = 0x4000;
inline constexpr uint32_t kNoReplyRcpt = 0x8000;
inline constexpr uint32_t kNoReplyData = 0x10000;
inline constexpr uint32_t kNoReplyUnknown = 0x20000;
inline constexpr uint32_t kNoReplyEndOfHeaders = 0x40000;
inline constexpr uint32_t kNoReplyBody = 0x80000;
inline constexpr uint32_t kHeaderLeadingSpace = 0x100000;
// What Postfix offers: every step flag above (it honours whichever the filter picks).
inline constexpr uint32_t kOffered = 0x1FFFFF;
}  // namespace step

inline constexpr uint32_t kVersion = 6;
// Actions offered: add/change headers and body, recipients, quarantine, change from,
// recipients with parameters, symbol lists (SMFIF_ADDHDRS .. SMFIF_SETSYMLIST).
inline constexpr uint32_t kOfferedActions = 0x1FF;
// Largest BODY packet (MILTER_CHUNK_SIZE).
inline constexpr size_t kBodyChunk = 65535;

// Packet - one packet being built: the length is filled in by finish().
class Packet {
public:
    explicit Packet(char code);
    Packet& add_u32(uint32_t value);
    Packet& add_u16(uint16_t value);
    Packet& add_bytes(std::string_view bytes);
    Packet& add_string(std::string_view text);  // with its NUL terminator
    const std::string& finish();

private:
    std::string m_bytes;
};

uint32_t read_u32(std::string_view bytes, size_t offset);

}  // namespace milterload
