// authserv_id.hpp - read the authserv-id of an existing Authentication-Results header.
//
// Used to delete forged headers that claim to come from us (RFC 8601 section 5): the id is
// the first value of the field, after any CFWS (nested comments, folding whitespace).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace enma::verify {

// parse_authserv_id - the authserv-id (token or quoted-string, unquoted), or nullopt when the
// value does not start with one. Bytes outside ASCII are kept: comparison decides.
std::optional<std::string> parse_authserv_id(std::string_view header_value);

// is_own_authserv_id - does `header_value` carry `ours` (ASCII case-insensitive, final dots
// ignored: "mx.example." is "mx.example")?
bool is_own_authserv_id(std::string_view header_value, std::string_view ours);

}  // namespace enma::verify
