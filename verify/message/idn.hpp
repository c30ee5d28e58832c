// idn.hpp - domain names to their ASCII (A-label) form, as DNS lookups and comparisons need.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace enma::message {

// to_a_label - `domain` with U-labels converted by IDNA2008 (libidn2, non-transitional) and
// ASCII lower-cased; pure-ASCII names (A-labels included) are only lower-cased, never
// re-validated, so names such as "_domainkey" labels pass. nullopt if conversion fails.
std::optional<std::string> to_a_label(std::string_view domain);

}  // namespace enma::message
