// arc_fields.hpp - the three ARC header fields of RFC 8617 4.1, parsed one at a time.
//
//   ARC-Authentication-Results (AAR)  "i=" instance ";" then an A-R payload (RFC 8601)
//   ARC-Message-Signature (AMS)       a DKIM-Signature tag list without v=, i= the instance
//   ARC-Seal (AS)                     i= a= b= d= s= cv= [t=]; no h= (4.1.3)
//
// Invariants: m_instance is set whenever the i= value is 1*DIGIT of at most three digits,
// even when m_ok is false (so collection can still tell duplicates and gaps from bad form);
// m_ok == true means every tag the RFC requires is present and well formed. The AMS reuses
// the DKIM parser (dkim_signature.hpp, SignatureKind::arc_message) and the seal the DKIM
// tag-list grammar, so both read exactly as the DKIM verifier reads a signature.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "verify/arc/arc_result.hpp"
#include "verify/dkim/dkim_signature.hpp"

namespace enma::arc {

inline constexpr std::string_view kAarName = "ARC-Authentication-Results";
inline constexpr std::string_view kAmsName = "ARC-Message-Signature";
inline constexpr std::string_view kSealName = "ARC-Seal";

// ArcFieldKind - which of the three a field name is (case-insensitive), or none.
enum class ArcFieldKind : std::uint8_t { none, aar, ams, seal };
ArcFieldKind arc_field_kind(std::string_view name) noexcept;

struct ArcAuthResults {
    bool m_ok = false;
    std::string m_error;
    std::optional<unsigned> m_instance;
    std::string m_payload;  // after "i=N;": "authserv-id; resinfo; ...", unfolded and trimmed
};

struct ArcMessageSignature {
    bool m_ok = false;
    std::string m_error;
    std::optional<unsigned> m_instance;
    dkim::DkimSignature m_sig;  // its m_identity is "@" + d= (ARC has no AUID)
};

struct ArcSeal {
    bool m_ok = false;
    std::string m_error;
    std::optional<unsigned> m_instance;
    dkim::Algorithm m_algorithm = dkim::Algorithm::rsa_sha256;
    std::string m_algorithm_text;  // a= as written
    std::string m_signature;       // b= decoded
    std::string m_domain;          // d=, A-label, lower case
    std::string m_selector;        // s=, lower case
    ArcResult m_cv = ArcResult::none;
    std::optional<std::int64_t> m_timestamp;  // t=
    std::string m_raw_without_b;              // the raw value with b='s value removed
};

// parse_instance - 1*DIGIT, at most three digits (RFC 8617 caps instances at 50).
std::optional<unsigned> parse_instance(std::string_view text) noexcept;

ArcAuthResults parse_arc_auth_results(std::string_view raw_value);
ArcMessageSignature parse_arc_message_signature(std::string_view raw_value);
ArcSeal parse_arc_seal(std::string_view raw_value);

}  // namespace enma::arc
