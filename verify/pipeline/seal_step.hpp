// seal_step.hpp - a message's share of ARC sealing (RFC 8617 5.1; docs/arc.md, Sealing).
//
// Exists only when arc.seal_* are set. The MessageSession hands it every kept header field,
// at end of headers the relaxed, unlimited SHA-256 body hash DKIM or ARC already runs (if
// any), every body chunk, and at end of message, once enma's own A-R value is known, asks for
// this hop's set. Invariants:
//  - the body is hashed once: with a borrowed hash the seal takes its digest and hashes
//    nothing itself; without one (or when the body starts before end_of_headers()) it runs
//    its own relaxed hash, on the message's thread, nothing buffered;
//  - a message whose header was not kept whole (past the header bound) is never sealed: the
//    AMS would sign a header it has not seen;
//  - a message carrying ARC fields is sealed only with a validated chain (SealChain); cv=fail
//    chains are sealed with cv=fail, and a chain already at instance 50 is never sealed, nor
//    one whose validation failed on a DNS error (a cv=fail would end it for good).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "verify/arc/arc_seal.hpp"
#include "verify/dkim/body_hash.hpp"
#include "verify/message/header_field.hpp"

namespace enma::pipeline {

// SealChain - what ARC validation found of the incoming chain.
struct SealChain {
    arc::ArcResult m_cv = arc::ArcResult::none;
    int m_highest_instance = 0;                         // 0: no ARC sets
    std::vector<message::HeaderField> m_previous_sets;  // AAR, AMS, AS of 1..highest
    std::string m_unsealable;  // why this chain must not be sealed at all (empty: it may)
};

// SealOutcome - the set to add, or why there is none (for the log).
struct SealOutcome {
    std::optional<arc::SealedSet> m_set;
    int m_instance = 0;
    arc::ArcResult m_cv = arc::ArcResult::none;
    std::string m_skipped;  // empty when sealed

    // log_value - "i=2 cv=pass" when sealed, "none" otherwise.
    std::string log_value() const;
};

class SealStep {
public:
    explicit SealStep(std::shared_ptr<const arc::SealSettings> settings);

    void header(std::string_view name, std::string_view value);
    // end_of_headers - `running` (may be null): a body hash fed with the whole body by its
    // owner (DkimVerifier or ArcVerifier, which outlive this step's finish()). Used only if
    // it is relaxed with no length limit, and only before the first body chunk.
    void end_of_headers(dkim::BodyHash* running);
    void body(std::string_view chunk);
    // finish - `results` is this hop's A-R value; `chain` is nullopt when the chain was not
    // validated; `truncated` says the header was not kept whole.
    SealOutcome finish(const std::string& results, const std::optional<SealChain>& chain,
                       bool truncated, std::int64_t now);

    std::size_t arc_fields() const noexcept { return m_arc_fields; }
    // highest_instance - the largest i= among the ARC fields seen (0 if none readable): the
    // instance a failed chain with gaps is sealed above.
    int highest_instance() const noexcept { return m_highest_instance; }

private:
    std::shared_ptr<const arc::SealSettings> m_settings;
    std::vector<message::HeaderField> m_headers;
    dkim::BodyHash* m_body = nullptr;  // borrowed or m_own; null until end of headers
    std::unique_ptr<dkim::BodyHash> m_own;
    std::size_t m_arc_fields = 0;
    int m_highest_instance = 0;
};

}  // namespace enma::pipeline
