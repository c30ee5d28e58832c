// dkim_signature.hpp - a parsed DKIM-Signature header field (RFC 6376 3.5).
//
// Invariants of a signature with m_ok == true: v=1; a= is rsa-sha256 or ed25519-sha256;
// b= and bh= decoded and non-empty; d=, s=, h= present; h= names From; i= is within d=
// (a subdomain or equal); q= (if any) offers dns/txt; x >= t when both are present.
// rsa-sha1 parses to m_ok == false with the reason "rsa-sha1 is not valid (RFC 8301)".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "verify/message/canonicalization.hpp"

namespace enma::dkim {

enum class Algorithm : std::uint8_t { rsa_sha256, ed25519_sha256 };

struct DkimSignature {
    bool m_ok = false;
    std::string m_error;  // why the field is unusable (permerror reason)

    Algorithm m_algorithm = Algorithm::rsa_sha256;
    std::string m_algorithm_text;  // a= as written
    std::string m_signature;       // b= decoded
    std::string m_signature_text;  // b= without FWS (for header.b)
    std::string m_body_hash;       // bh= decoded
    message::Canonicalization m_header_canon = message::Canonicalization::simple;
    message::Canonicalization m_body_canon = message::Canonicalization::simple;
    std::string m_domain;                        // d=, A-label, lower case
    std::string m_selector;                      // s=
    std::vector<std::string> m_signed_headers;   // h=, in order, as written
    std::string m_identity;                      // i= or "@" + d=
    std::string m_identity_domain;               // the domain part of i=, lower case
    std::optional<std::uint64_t> m_body_length;  // l=
    std::optional<std::int64_t> m_timestamp;     // t=
    std::optional<std::int64_t> m_expiration;    // x=
    std::string m_raw_without_b;  // the raw field value with the b= value removed (3.7)
};

// SignatureKind - the DKIM-Signature grammar, or RFC 8617 4.1.2's ARC-Message-Signature:
// the same tags except that there is no v=, i= is the ARC instance (the caller reads it;
// m_identity is "@" + d=), From need not be signed and h= must not name ARC-Seal.
enum class SignatureKind : std::uint8_t { dkim, arc_message };

// parse_dkim_signature - parse the value of a DKIM-Signature (or AMS) field as received.
DkimSignature parse_dkim_signature(std::string_view raw_value,
                                   SignatureKind kind = SignatureKind::dkim);

// is_within_domain - `sub` equals `domain` or is a subdomain of it (ASCII, case-insensitive).
bool is_within_domain(std::string_view sub, std::string_view domain) noexcept;

}  // namespace enma::dkim
