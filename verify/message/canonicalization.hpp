// canonicalization.hpp - the two DKIM canonicalisation algorithms (RFC 6376 3.4) and header
// canonicalisation, which works on one field at a time.
#pragma once

#include <string>
#include <string_view>

#include "verify/message/header_field.hpp"

namespace enma::message {

enum class Canonicalization { simple, relaxed };

std::string_view to_string(Canonicalization canon) noexcept;

// canonicalize_header - one field as it enters the header hash, CRLF-terminated.
// simple (3.4.1): unchanged, except that bare LF line breaks become CRLF (a milter may hand
// folded values over with LF only; the signer saw CRLF on the wire).
// relaxed (3.4.2): lower-case name, unfold, WSP runs to one SP, no WSP around the colon or at
// the end of the value.
std::string canonicalize_header(Canonicalization canon, std::string_view name,
                                std::string_view raw_value);

inline std::string canonicalize_header(Canonicalization canon, const HeaderField& field) {
    return canonicalize_header(canon, field.m_name, field.m_raw_value);
}

}  // namespace enma::message
