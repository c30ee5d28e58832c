// arc_signature_check.hpp - one ARC signature (AMS or AS) against its key record.
//
// The key record is DKIM's (RFC 8617 4.1.3: the same _domainkey TXT and the same key
// checks): dkim::select_key() picks it, dkim::PublicKey (or the daemon's PublicKeyCache)
// loads it, and the refusals are DKIM's (revoked, wrong k=, h= without sha256, s= without
// email, RSA shorter than the minimum or refused by PublicKey::rsa_problem()).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "verify/dkim/dkim_options.hpp"
#include "verify/dkim/dkim_signature.hpp"
#include "verify/dkim/key_lookup.hpp"

namespace enma::arc {

enum class CheckCode : std::uint8_t { pass, fail, temperror, permerror };

struct SignatureCheck {
    CheckCode m_code = CheckCode::temperror;
    std::string m_reason;  // empty on pass
    unsigned m_key_bits = 0;
};

// check_signature - does `signature` sign `header_data` with `algorithm` under the key found
// by `lookup`? A lookup that is missing (nullptr) is a temperror "key not available".
SignatureCheck check_signature(const dkim::KeyLookupResult* lookup, dkim::Algorithm algorithm,
                               std::string_view header_data, std::string_view signature,
                               const dkim::DkimOptions& options);

}  // namespace enma::arc
