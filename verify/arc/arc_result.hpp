// arc_result.hpp - the words of ARC (RFC 8617): a chain validation status and an A-R result.
//
// The same three words serve as the cv= value a seal carries (4.1.3), the arc= result of
// RFC 8601's registry (RFC 8617 10.1) and the status a sealer writes for the next hop.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace enma::arc {

// none: the message carries no ARC field; pass: the chain validates; fail: it does not, or
// its form is invalid, or its newest seal already says cv=fail.
enum class ArcResult : std::uint8_t { none, pass, fail };

std::string_view to_string(ArcResult result) noexcept;
// parse_cv - a cv= value (case-insensitive); nullopt for anything else.
std::optional<ArcResult> parse_cv(std::string_view text) noexcept;

}  // namespace enma::arc
