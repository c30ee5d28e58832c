// spf_macro.hpp - RFC 7208 section 7: macro-string syntax and expansion.
//
// Expansion is a pure function of a MacroContext. %{p} needs DNS (a validated PTR name), so
// the evaluator computes it beforehand when uses_macro_letter(text, 'p') says so, and passes
// the result in m_validated_domain.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "resolver/ip_address.hpp"

namespace enma::spf {

// Where a macro-string appears: c, r and t are allowed only in explanation text, which also
// allows spaces (RFC 7208 sections 6.2 and 7.1).
enum class MacroUse : unsigned char { domain_spec, explanation, modifier_value };

struct MacroContext {
    std::string_view m_local;                         // %{l}: local-part of <sender>
    std::string_view m_sender_domain;                 // %{o}: domain of <sender>
    std::string_view m_domain;                        // %{d}: <domain> of the current check_host()
    std::string_view m_helo;                          // %{h}
    const resolver::IpAddress* m_ip = nullptr;        // %{i} %{c} %{v}; must be set
    std::string_view m_validated_domain = "unknown";  // %{p}
    std::string_view m_receiver = "unknown";          // %{r}
    std::int64_t m_timestamp = 0;                     // %{t}
};

// is_valid_macro_string - the macro-string grammar (every %-escape and %{...} well formed).
bool is_valid_macro_string(std::string_view text, MacroUse use) noexcept;
// is_valid_domain_spec - macro-string followed by domain-end: "." toplabel ["."] or a macro.
bool is_valid_domain_spec(std::string_view text) noexcept;
// uses_macro_letter - whether a %{x...} with this letter (either case) occurs.
bool uses_macro_letter(std::string_view text, char letter) noexcept;
// expand_macros - the expanded text, or nullopt if `text` is not a valid macro-string.
std::optional<std::string> expand_macros(std::string_view text, const MacroContext& context,
                                         MacroUse use);
// to_query_name - an expanded domain-spec as a DNS name: trailing dot dropped, and labels
// removed from the left until it fits in 253 octets (RFC 7208 section 7.3).
std::string to_query_name(std::string_view expanded);
// expand_domain_spec - expand_macros() for a domain-spec, then to_query_name().
std::optional<std::string> expand_domain_spec(std::string_view spec, const MacroContext& context);

}  // namespace enma::spf
