// dmarc_record.hpp - one DMARC policy record (RFC 9989 4.7, 4.8; RFC 7489 6.3 for pct/rf/ri).
//
// The rules, applied in this order:
//  - A record is DMARC only if it starts with "v=DMARC1" (the value case-sensitive, the tag
//    first); anything else is not a DMARC record at all (is_dmarc_record).
//  - The tag list follows DKIM's syntax (RFC 6376 3.2): a tag named twice makes the whole
//    record invalid (m_ok false), so it is discarded like a non-DMARC record.
//  - Unknown tags are ignored; a known tag with a malformed value falls back to its default
//    (noted in m_notes), except p, sp and np:
//  - A missing or invalid p=, or an invalid sp= or np=, leaves the record usable only as
//    "p=none" and only when rua= holds a syntactically valid URI; otherwise the record does
//    not apply (m_applies false: "no DMARC processing", RFC 9989 4.4).
// Tag names and the keyword values are case-insensitive (RFC 5234 strings).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "verify/dmarc/dmarc_result.hpp"

namespace enma::dmarc {

struct DmarcRecord {
    bool m_ok = false;       // a DMARC record with a valid tag list
    std::string m_error;     // why not (m_ok false)
    bool m_applies = false;  // a policy can be taken from it (see above)
    Policy m_p = Policy::none;
    std::optional<Policy> m_sp;
    std::optional<Policy> m_np;
    PsdFlag m_psd = PsdFlag::unspecified;
    bool m_testing = false;  // t=y
    Alignment m_adkim = Alignment::relaxed;
    Alignment m_aspf = Alignment::relaxed;
    std::vector<std::string> m_rua;  // valid URIs only, "!size" suffixes removed
    std::vector<std::string> m_ruf;
    std::string m_fo = "0";
    // RFC 7489 tags, removed by RFC 9989 (historic); honoured in PSL mode only.
    std::optional<unsigned> m_pct;
    std::string m_rf;
    std::optional<std::uint32_t> m_ri;
    std::vector<std::string> m_notes;  // tags or values ignored, for the log
};

// is_dmarc_record - does the TXT string start with the DMARC version tag?
bool is_dmarc_record(std::string_view text) noexcept;

// parse_dmarc_record - the record's tags; m_ok false when it is not usable as DMARC.
DmarcRecord parse_dmarc_record(std::string_view text);

}  // namespace enma::dmarc
