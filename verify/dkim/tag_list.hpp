// tag_list.hpp - RFC 6376 3.2 tag=value lists (DKIM-Signature fields and key records).
//
// Invariants: a valid list has unique tag names (a duplicate invalidates the whole list),
// names match ALPHA *(ALPHA / DIGIT / "_"), values hold only VALCHAR, UTF-8 bytes
// (RFC 8616) and FWS. Offsets point
// into the parsed text so a caller can blank a value (b=) without re-serialising the field.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace enma::dkim {

struct Tag {
    std::string m_name;
    std::string m_value;  // without leading and trailing FWS
    // The value with its surrounding FWS: from just past '=' to the ';' or the end.
    std::size_t m_value_begin = 0;
    std::size_t m_value_end = 0;
};

struct TagList {
    bool m_ok = false;
    std::string m_error;
    std::vector<Tag> m_tags;  // in the order written

    const Tag* find(std::string_view name) const noexcept;
};

TagList parse_tag_list(std::string_view text);

// strip_fws - `value` with every SP, HTAB, CR and LF removed (base64 and h= lists).
std::string strip_fws(std::string_view value);

// split_list - `value` split at `separator`, each element stripped of FWS.
std::vector<std::string> split_list(std::string_view value, char separator);

}  // namespace enma::dkim
