// rdata.hpp - decode one record's RDATA from DNS wire format into a RecordData.
//
// The bytes come from the network (via libunbound's ub_result::data, which holds each
// record's RDATA without its RDLENGTH prefix), so every read is bounds-checked and anything
// malformed yields nullopt: the caller skips that record, nothing throws or crashes.
// libunbound decompresses names when it parses a message, so names in its RDATA are plain
// label sequences; a compression pointer (or the reserved 01/10 label types) is malformed.
// Names are rendered as text without the trailing dot ("" for the root, e.g. a null MX);
// '.' and '\' inside a label and bytes outside printable ASCII become \. \\ and \DDD.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "resolver/answer.hpp"

namespace enma::resolver {

// parse_rdata - the data of one `type` record; nullopt if malformed or the type is unknown.
// A/AAAA: the address; MX: preference and exchange; NS/CNAME/PTR: the name;
// TXT/SPF: the character-strings joined without separators (at least one string).
std::optional<RecordData> parse_rdata(RrType type, std::span<const std::uint8_t> rdata);

// parse_answer_text - the TXT/SPF records of `type` in the answer section of a whole DNS
// message (libunbound's ub_result::answer_packet), each decoded by parse_rdata. Records
// that are malformed or have no character-string at all are left out (RFC 7208 section 3.3
// ignores a TXT record without strings); a repeated RDATA counts once (RFC 2181 section 5).
// nullopt if the message itself is malformed or its RCODE is not NOERROR. Only for text
// types: their RDATA holds no (compressible) names.
std::optional<std::vector<RecordData>> parse_answer_text(RrType type,
                                                         std::span<const std::uint8_t> message);

// parse_wire_name - an uncompressed name starting at `offset`; on success `offset` moves past
// it. nullopt if it runs past the end, uses compression or exceeds 255 octets.
std::optional<std::string> parse_wire_name(std::span<const std::uint8_t> data, std::size_t& offset);

}  // namespace enma::resolver
