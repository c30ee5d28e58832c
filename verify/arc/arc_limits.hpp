// arc_limits.hpp - what one message's ARC chain may cost (enma.conf arc.* keys).
//
// A hostile chain is bounded before any lookup or hash: at most m_max_instances sets (RFC
// 8617 caps them at 50), at most three fields per allowed instance are kept (the rest are only
// counted), and the ARC fields together at most m_max_bytes. Each seal hashes every older
// set, so hashing costs at most m_max_instances * m_max_bytes; the signature checks at most
// 2 * m_max_instances (each key at most 4096 bits, dkim/public_key.hpp).
#pragma once

#include <cstddef>

namespace enma::arc {

inline constexpr unsigned kRfcMaxInstances = 50;  // RFC 8617 4.2.1

struct ArcLimits {
    unsigned m_max_instances = kRfcMaxInstances;  // arc.max_instances: a longer chain fails
    std::size_t m_max_bytes = 65536;              // arc.max_header_bytes: all ARC fields
};

}  // namespace enma::arc
