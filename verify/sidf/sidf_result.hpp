// sidf_result.hpp - Sender ID results (RFC 4406 section 4 and RFC 8601 section 2.7.2).
//
// The SPF words plus "policy" (authorized, but refused by local policy: set by the caller,
// never by the check itself). RFC 5451 spelt fail "hardfail"; to_rfc5451_string keeps that
// for the A-R headers of ENMA-era consumers.
#pragma once

#include <string_view>

#include "verify/spf/spf_result.hpp"

namespace enma::sidf {

enum class SidfResult : unsigned char {
    none,
    neutral,
    pass,
    policy,
    fail,
    softfail,
    temperror,
    permerror,
};

// Why a Sender ID check failed: the RFC 4406 section 4.4 explanations.
enum class SidfFailReason : unsigned char {
    none,                   // the result is not fail
    not_permitted,          // a "-" mechanism matched
    domain_does_not_exist,  // PRA scope: the PRA domain is NXDOMAIN (RFC 4406 section 4.3)
};

SidfResult from_spf(spf::SpfResult result) noexcept;
std::string_view to_string(SidfResult result) noexcept;
std::string_view to_rfc5451_string(SidfResult result) noexcept;
std::string_view to_string(SidfFailReason reason) noexcept;

}  // namespace enma::sidf
