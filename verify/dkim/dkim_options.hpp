// dkim_options.hpp - the knobs of DKIM verification (enma.conf dkim.* keys and defaults).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace enma::dkim {

class PublicKeyCache;

struct DkimOptions {
    bool m_accept_expired_signature = false;  // dkim.accept_expired_signature
    bool m_rfc4871_compatible = false;        // dkim.rfc4871_compatible: honour key g=
    std::size_t m_signheader_limit = 10;      // dkim.signheader_limit: signatures verified
    unsigned m_minimum_key_bits = 1024;       // RSA keys shorter than this: permerror
    std::int64_t m_clock_skew = 300;          // seconds t= may lie in the future
    // Parsed keys shared across messages (the daemon sets one); null: every key is decoded.
    std::shared_ptr<PublicKeyCache> m_key_cache;
};

}  // namespace enma::dkim
