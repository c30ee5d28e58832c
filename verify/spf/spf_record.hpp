// spf_record.hpp - an SPF record parsed into terms (RFC 7208 sections 4.5, 4.6, 5 and 6).
//
// The whole record is parsed before anything is evaluated, so a syntax error anywhere is a
// permerror even when an earlier mechanism would have matched (section 4.6). Parsing is
// purely syntactic: macros are validated here but expanded only during evaluation.
// Sender ID records (spf2.0/...) share the term grammar: parse_terms() takes the text after
// the version.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "resolver/ip_address.hpp"
#include "verify/spf/spf_result.hpp"

namespace enma::spf {

enum class Qualifier : char { pass = '+', fail = '-', softfail = '~', neutral = '?' };

enum class MechanismKind : unsigned char { all, include, a, mx, ptr, ip4, ip6, exists };

struct Mechanism {
    Qualifier m_qualifier = Qualifier::pass;
    MechanismKind m_kind = MechanismKind::all;
    std::string m_domain_spec;             // unexpanded; empty means <domain> (a, mx, ptr)
    unsigned m_cidr4 = 32;                 // a, mx, ip4
    unsigned m_cidr6 = 128;                // a, mx, ip6
    resolver::IpAddress m_ip4;             // ip4 network
    std::array<std::uint8_t, 16> m_ip6{};  // ip6 network, raw (never folded to v4)
    std::string m_text;                    // the term as published, for SpfOutput::m_mechanism

    // uses_dns - counts against the 10-term limit (include a mx ptr exists).
    bool uses_dns() const noexcept;
};

struct SpfRecord {
    std::vector<Mechanism> m_mechanisms;       // in record order
    std::optional<std::string> m_redirect;     // redirect= domain-spec
    std::optional<std::string> m_explanation;  // exp= domain-spec
};

// RecordParse - a record, or the reason it is a permerror.
struct RecordParse {
    std::optional<SpfRecord> m_record;
    std::string m_error;
};

// result_of - the result a mechanism's qualifier gives when it matches.
SpfResult result_of(Qualifier qualifier) noexcept;

// is_spf1_record - "v=spf1" (any case) followed by a space or the end (section 4.5).
bool is_spf1_record(std::string_view text) noexcept;
// parse_record - a whole v=spf1 record.
RecordParse parse_record(std::string_view text);
// parse_terms - the terms after the version ("a mx -all"), separated by spaces.
RecordParse parse_terms(std::string_view terms);

}  // namespace enma::spf
