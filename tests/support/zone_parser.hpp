// zone_parser.hpp - master-file text (RFC 1035 section 5) to records, for test data.
//
// ldns parses the text (ldns_rr_new_frm_fp_l: $ORIGIN, $TTL, `;` comments, parentheses, `@`,
// relative names, blank owners, BIND TTL units, RFC 3597 TYPEnnn and `\# len hex`); each
// record's RDATA is then rendered to wire format by ldns and decoded by the product's own
// decoder, resolver::parse_rdata - the one that decodes libunbound's answers - so a test zone
// yields exactly the RecordData a real DNS answer with the same RDATA would.
//
// What ldns does not do, or does differently from the hand parser this replaced:
//  - a record without a TTL takes $TTL, else kZoneDefaultTtl (not the previous record's TTL);
//  - the TTL comes before the class ("a 60 IN A ...");
//  - the initial origin "" means the root, so relative names stay as written;
//  - an escaped dot (\.) stays inside its label, rendered `\.` as parse_rdata renders it.
// No test-only markers live in zone text: faults are set through ZoneResolver's setters
// (and by tests/fuzz/fuzz_zone.hpp's `!` lines, which it strips before loading).
//
// Output: owner names absolute, without the trailing dot, case as written. m_data is the
// decoded RDATA for the types parse_rdata knows (A AAAA MX NS CNAME PTR TXT SPF); it is empty
// for other types (SOA, DS, ...: only their owner matters) and for a TXT/SPF record without
// any character-string, which production ignores too (RFC 7208 section 3.3).
// Errors: std::invalid_argument("line N: why"), N the line the entry ends on - a zone file is
// test set-up, so a bad one is a programming error, never a DNS outcome.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "resolver/answer.hpp"

namespace enma::resolver {

struct ZoneRecord {
    std::string m_owner;
    RrType m_type = RrType::a;  // may hold a number outside the enum (SOA = 6, ...)
    std::uint32_t m_ttl = 0;
    std::optional<RecordData> m_data;
    friend bool operator==(const ZoneRecord&, const ZoneRecord&) = default;
};

// The TTL of records when neither the record nor a $TTL gives one.
inline constexpr std::uint32_t kZoneDefaultTtl = 3600;

// parse_zone - every record of `text`, in order; `origin` is the initial $ORIGIN ("" = the
// root).
std::vector<ZoneRecord> parse_zone(std::string_view text, std::string_view origin = "");

}  // namespace enma::resolver
