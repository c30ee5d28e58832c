// spf_result.hpp - the seven results of RFC 7208 section 2.6 as a value.
#pragma once

#include <optional>
#include <string_view>

namespace enma::spf {

enum class SpfResult : unsigned char {
    none,       // no record, or the identity is not a usable domain
    neutral,    // the domain makes no assertion ("?", or no term matched)
    pass,       // the client is authorized
    fail,       // the client is explicitly not authorized
    softfail,   // probably not authorized
    temperror,  // a transient DNS failure
    permerror,  // the published records are broken (syntax, limits)
};

std::string_view to_string(SpfResult result) noexcept;
// parse_spf_result - the lower-case RFC word back to the enum (test suites, configuration).
std::optional<SpfResult> parse_spf_result(std::string_view word) noexcept;

}  // namespace enma::spf
