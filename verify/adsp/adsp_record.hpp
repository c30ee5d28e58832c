// adsp_record.hpp - RFC 5617 4.2 ADSP records: "dkim=unknown|all|discardable" and nothing else.
//
// The record is a tag=value list (RFC 6376 3.2) with WSP where DKIM allows FWS (RFC 5617
// 4.1). It MUST start with the dkim tag (4.2.1); tags this version does not know are
// ignored; a dkim value that is a valid x-adsp-dkim-tag but not one of the three is treated
// as "unknown". Anything else (no dkim tag, dkim not first, a duplicate tag, bad syntax) makes
// the record malformed, which the lookup treats as no record at all (4.1: "equivalent to a
// NODATA result"). No input makes the parser throw or read out of range.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace enma::adsp {

// The outbound signing practices of RFC 5617 4.2.1.
enum class AdspPractice : std::uint8_t { unknown, all, discardable };

std::string_view to_string(AdspPractice practice) noexcept;

struct AdspRecord {
    bool m_ok = false;
    std::string m_error;  // why the record is malformed (empty when m_ok)
    AdspPractice m_practice = AdspPractice::unknown;
};

// parse_adsp_record - one TXT record's text (its strings already joined).
AdspRecord parse_adsp_record(std::string_view text);

}  // namespace enma::adsp
