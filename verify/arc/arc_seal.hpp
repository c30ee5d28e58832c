// arc_seal.hpp - one ARC set for this hop (RFC 8617 5.1): ARC-Authentication-Results,
// ARC-Message-Signature and ARC-Seal, signed rsa-sha256 with relaxed canonicalisation.
//
// The signatures are computed with the verifier's own code (header selection and header
// canonicalisation of verify/dkim and verify/message, the body hash of dkim::BodyHash), so
// what enma seals is what enma verifies. Invariants:
//  - the AMS never signs ARC fields or Authentication-Results (RFC 8617 4.1.2); the h= list
//    comes from SealSettings, checked when the configuration is loaded;
//  - the AS signs the sets of instances 1..i in order, AAR, AMS, AS each, its own with an
//    empty b= (5.1.1); with cv=fail it signs its own set only (5.1.2);
//  - values are folded with "\n\t" and carry no leading space (the milter adds it).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "verify/arc/arc_fields.hpp"  // kAarName, kAmsName, kSealName
#include "verify/arc/arc_result.hpp"
#include "verify/dkim/signing_key.hpp"
#include "verify/message/header_field.hpp"

namespace enma::arc {

inline constexpr int kMaxInstance = 50;  // RFC 8617 4.2.1

// SealSettings - arc.seal_*: immutable once loaded, shared by every message.
struct SealSettings {
    std::shared_ptr<const dkim::SigningKey> m_key;
    std::string m_domain;                // d=
    std::string m_selector;              // s=
    std::vector<std::string> m_headers;  // the AMS h=, lower case
};

// SealInput - what one message gives the sealer.
struct SealInput {
    int m_instance = 1;                // i= of the new set, 1..kMaxInstance
    ArcResult m_cv = ArcResult::none;  // the cv= of the new seal: what this hop found
    // AAR, AMS, AS of instances 1..i-1, in that order (empty for none and fail).
    std::vector<message::HeaderField> m_previous_sets;
    std::string m_results;                                 // this hop's A-R value
    const std::vector<message::HeaderField>* m_headers{};  // the header as received
    std::string m_body_hash;                               // raw SHA-256, relaxed body
    std::int64_t m_now = 0;                                // t=
};

// SealedSet - the three values to add (names in kAarName...).
struct SealedSet {
    std::string m_aar;
    std::string m_ams;
    std::string m_seal;
};

// seal - the new set, or nullopt when the key fails to sign (an OpenSSL error).
std::optional<SealedSet> seal(const SealSettings& settings, const SealInput& input);

}  // namespace enma::arc
