// dkim_result.hpp - what the DKIM verifier reports for each signature (RFC 8601 2.7.1 words).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "resolver/answer.hpp"

namespace enma::dkim {

// RFC 8601 2.7.1 result words for dkim (none is reported by the caller for unsigned mail).
enum class DkimResultCode : std::uint8_t {
    none,
    pass,
    fail,
    neutral,
    policy,
    temperror,
    permerror
};

std::string_view to_string(DkimResultCode code) noexcept;

// DkimResult - one signature's verdict and the properties the A-R header and logs report.
struct DkimResult {
    DkimResultCode m_code = DkimResultCode::neutral;
    std::string m_reason;        // short, human-readable; empty on pass
    std::string m_domain;        // d= (A-label, lower case), empty if unparsable
    std::string m_selector;      // s=
    std::string m_identity;      // i= (or "@" + d= when absent)
    std::string m_algorithm;     // a= as written
    std::string m_header_b;      // first 8 characters of b= (RFC 6008 header.b)
    unsigned m_key_bits = 0;     // RSA modulus size, 256 for ed25519, 0 if no key was used
    bool m_key_testing = false;  // key record t=y
    resolver::Security m_key_security = resolver::Security::unchecked;  // DNSSEC of the key
    std::optional<std::uint64_t> m_body_length;                         // l= when present
    std::uint64_t m_body_hashed = 0;  // canonical body bytes hashed
    std::uint64_t m_body_total = 0;   // canonical body bytes in the message
};

}  // namespace enma::dkim
