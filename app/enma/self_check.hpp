// self_check.hpp - `enma -t`: is the DNS path usable, the way the ENMA talk asked operators
// to check by hand?
//
// Three probes, each with a fresh libunbound context built from resolver.* (so the cache
// cannot hide a broken path), each asking for the NS RRset of the trust anchor's zone (the
// root by default) with DNSSEC data: an answer well over 512 bytes.
//   udp     UDP only (no TCP fallback): do EDNS0 answers over 512 bytes arrive?
//   tcp     TCP only: does the fallback for truncated answers work?
//   dnssec  as the daemon resolves, validating: is the answer secure?
// Each failure comes with its likely cause and fix. The daemon runs the same checks at
// start-up and logs failures as warnings.
#pragma once

#include <string>
#include <vector>

#include "conf/config.hpp"

namespace enma::app {

struct CheckOutcome {
    std::string m_name;  // "udp", "tcp", "dnssec"
    bool m_ok = false;
    std::string m_detail;  // what was seen; on failure also the cause and the fix
};

// anchor_zone - the owner name of the first record in `trust_anchor_file`, or "." if the
// file is empty, unreadable or unset.
std::string anchor_zone(const std::string& trust_anchor_file);

// check_resolver_path - the three probes (dnssec only when resolver.dnssec is on).
std::vector<CheckOutcome> check_resolver_path(const conf::Config& config);

}  // namespace enma::app
