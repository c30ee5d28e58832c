// arc_output.hpp - the outcome of validating one message's ARC chain (RFC 8617 5.2).
//
// Invariants: m_result none <=> the message has no ARC field (m_instances 0); pass means
// every step of 5.2 held: the form, the newest AMS, every AS from the newest down;
// m_oldest_pass is 0 when every AMS verifies, else the lowest instance M such that the AMSs
// M..N all verify (5.2 step 6: informational, it does not change m_result).
#pragma once

#include <string>

#include "verify/arc/arc_result.hpp"

namespace enma::arc {

struct ArcOutput {
    ArcResult m_result = ArcResult::none;
    std::string m_reason;      // why fail (empty otherwise)
    unsigned m_instances = 0;  // N, the newest instance (0 unless the sets run 1..N unbroken)
    unsigned m_oldest_pass = 0;
    bool m_temporary = false;     // the fail rests on a DNS failure (a key lookup's temperror)
    std::string m_seal_domain;    // the newest AS's d= ("as.N.d" of the A-R comment)
    std::string m_seal_selector;  // the newest AS's s=
    ArcResult m_newest_cv = ArcResult::none;  // the cv= the newest AS carries
    std::string m_ams_domain;                 // the newest AMS's d=
    unsigned m_key_bits = 0;                  // the newest AS's key size, when it was checked

    // seal_cv - the cv= a sealer of this hop writes (RFC 8617 5.1.1): none without a chain,
    // pass when it validates, fail otherwise.
    ArcResult seal_cv() const noexcept { return m_result; }
};

}  // namespace enma::arc
