// arc_verifier.hpp - RFC 8617 5.2 validation of one message's ARC chain, streamed like DKIM.
//
// The milter flow (the same as dkim_verifier.hpp's, beside it): add_header() for every field
// (ARC fields are kept and parsed at once), end_of_headers(dkim) once, which settles the
// chain's form and queues the key lookups (one per distinct selector and domain among the
// seals and AMSs, only for a chain of valid form), take_key_requests() to start them,
// add_body() for each chunk, set_key() with each lookup's value, then finish(headers).
//
// Invariants:
//  - No scheduler, resolver or thread in here (the message's thread owns and drives it).
//  - No second pass over the body: an AMS whose (c= body canonicalisation, l=) matches a DKIM
//    signature's uses that signature's running hash (DkimVerifier::share_body_hash); without
//    a DkimVerifier the verifier keeps its own. At most kMaxBodyHashes distinct (c=, l=)
//    pairs are hashed for ARC; an older AMS past that is "not verified" (oldest-pass stops
//    there), the newest always gets one.
//  - Bounded by ArcLimits (arc_limits.hpp) before anything is looked up or hashed; a chain of
//    no valid form costs no lookup, no hash and no signature check.
//  - finish() comes after the DkimVerifier's own finish() when hashes are shared (it
//    finishes them).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "verify/arc/arc_chain.hpp"
#include "verify/arc/arc_output.hpp"
#include "verify/arc/arc_signature_check.hpp"
#include "verify/dkim/body_hash.hpp"
#include "verify/dkim/dkim_options.hpp"
#include "verify/dkim/key_lookup.hpp"

namespace enma::dkim {
class DkimVerifier;
}

namespace enma::arc {

struct ArcOptions {
    ArcLimits m_limits;
    dkim::DkimOptions m_dkim;  // minimum key size and the shared key cache
};

class ArcVerifier {
public:
    static constexpr std::size_t kMaxBodyHashes = 3;

    // KeyRequest - TXT at <m_selector>._domainkey.<m_domain>; hand its value to set_key(m_index).
    struct KeyRequest {
        std::size_t m_index = 0;
        std::string m_selector;
        std::string m_domain;
    };

    explicit ArcVerifier(ArcOptions options);
    ~ArcVerifier();
    ArcVerifier(const ArcVerifier&) = delete;
    ArcVerifier& operator=(const ArcVerifier&) = delete;

    // add_header - keeps the field if it is an ARC field; returns whether it was one.
    bool add_header(std::string_view name, std::string_view raw_value);
    // end_of_headers - `dkim` (may be null) lends its body hashes.
    void end_of_headers(dkim::DkimVerifier* dkim);
    std::vector<KeyRequest> take_key_requests();
    void set_key(std::size_t index, dkim::KeyLookupResult key);
    void add_body(std::string_view chunk);
    // finish - `headers`: every field of the message, top to bottom (the AMS signs some).
    ArcOutput finish(const std::vector<message::HeaderField>& headers);

    // chain - the collected sets and their form, valid after end_of_headers() (a sealer
    // appends its set to these).
    const ArcChain& chain() const noexcept { return m_chain; }
    // running_body_hash - the hash an AMS of the chain uses for (canon, l=) (DKIM's or the
    // verifier's own), else null. Valid after end_of_headers().
    dkim::BodyHash* running_body_hash(message::Canonicalization canon,
                                      std::optional<std::uint64_t> limit) const;
    bool has_arc_fields() const noexcept { return !m_collector.empty() || m_chain.m_field_count; }

private:
    using Index = std::map<std::string, std::vector<std::size_t>>;  // lower-case name -> positions

    void request_keys();
    void attach_body_hashes(dkim::DkimVerifier* dkim);
    SignatureCheck check_ams(unsigned instance, const std::vector<message::HeaderField>& headers,
                             const Index& index);
    SignatureCheck check_seal(unsigned instance);
    unsigned oldest_pass(const std::vector<message::HeaderField>& headers, const Index& index);
    const dkim::KeyLookupResult* key_for(std::size_t slot) const;

    ArcOptions m_options;
    ArcCollector m_collector;
    ArcChain m_chain;
    bool m_headers_ended = false;
    std::vector<std::size_t> m_seal_keys;  // key slot of each seal, by instance - 1
    std::vector<std::size_t> m_ams_keys;   // key slot of each AMS, by instance - 1
    std::vector<KeyRequest> m_key_names;   // one per distinct (selector, domain): the slots
    std::vector<std::optional<dkim::KeyLookupResult>> m_keys;
    std::vector<KeyRequest> m_requests;         // queued, not yet taken
    std::vector<dkim::BodyHash*> m_ams_bodies;  // by instance - 1; null: not hashed
    std::vector<std::unique_ptr<dkim::BodyHash>> m_own_bodies;
};

}  // namespace enma::arc
