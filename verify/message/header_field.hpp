// header_field.hpp - one RFC 5322 header field exactly as received, and header-block splitting.
//
// Invariant: m_name and m_raw_value are the bytes before and after the first ':' of the field,
// untouched (folding CRLFs, leading space, 8-bit bytes and NULs included), so DKIM's "simple"
// canonicalisation can reproduce the field byte for byte.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace enma::message {

struct HeaderField {
    std::string m_name;       // as received; may carry obsolete WSP before the colon
    std::string m_raw_value;  // everything after the colon, folding included

    // is - case-insensitive name comparison, ignoring obsolete WSP before the colon.
    bool is(std::string_view name) const noexcept;
};

// trim_wsp - `text` without leading and trailing SP / HTAB / CR / LF.
std::string_view trim_wsp(std::string_view text) noexcept;

// iequals - ASCII case-insensitive comparison.
bool iequals(std::string_view a, std::string_view b) noexcept;

// to_lower_ascii - lower-case ASCII letters, other bytes unchanged.
std::string to_lower_ascii(std::string_view text);

// unfold - RFC 5322 2.2.3: remove every CRLF (or bare LF) that is followed by WSP.
std::string unfold(std::string_view raw_value);

// HeaderBlock - the fields of a message and where its body starts.
struct HeaderBlock {
    std::vector<HeaderField> m_fields;
    std::size_t m_body_offset = 0;  // index of the first body byte (past the empty line)
    bool m_has_body_separator = false;
};

// split_message - split a raw message (CRLF or bare LF line ends) into fields and body offset.
// A line without a colon that is not a continuation is skipped (it is not a field).
HeaderBlock split_message(std::string_view message);

}  // namespace enma::message
