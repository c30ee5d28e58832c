// zone_parser.hpp - master-file text (RFC 1035 section 5) to records, for test data.
//
// The subset: $ORIGIN, $TTL, `;` comments, parentheses spanning lines, `@`, relative and
// absolute names, a blank owner meaning the previous owner, optional TTL (digits, or BIND
// units such as 1h30m) and class IN in either order, quoted and unquoted character-strings
// with \DDD and \X escapes, and the RFC 3597 generic forms TYPEnnn and `\# len hex`.
// Types A AAAA MX PTR CNAME NS TXT SPF are decoded into RecordData; a few others that zone
// files carry (SOA, SRV, DS, DNSKEY, RRSIG, NSEC, CAA, ...) are kept with their raw text so
// that their owner names exist.
//
// Invariants of the output: owner names are absolute, without the trailing dot, case as
// written; names inside data (CNAME, NS, PTR, MX exchange) likewise ("" is the root, as in a
// null MX). TXT/SPF character-strings of one record are joined without separators.
// Errors: std::invalid_argument("line N: why") - a zone file is test set-up, so a bad one is
// a programming error, never a DNS outcome.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "resolver/answer.hpp"

namespace enma::resolver {

struct ZoneRecord {
    std::string m_owner;
    RrType m_type = RrType::a;  // may hold a number outside the enum (SOA = 6, ...)
    std::uint32_t m_ttl = 0;
    RecordData m_data;
    friend bool operator==(const ZoneRecord&, const ZoneRecord&) = default;
};

// The TTL of records when neither the record nor a $TTL nor an earlier record gives one.
inline constexpr std::uint32_t kZoneDefaultTtl = 3600;

// parse_zone - every record of `text`, in order; `origin` is the initial $ORIGIN ("" = none,
// relative names then stay as written).
std::vector<ZoneRecord> parse_zone(std::string_view text, std::string_view origin = "");

}  // namespace enma::resolver
