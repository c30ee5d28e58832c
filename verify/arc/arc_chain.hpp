// arc_chain.hpp - collecting a message's ARC sets by instance, and their structure (RFC 8617
// 5.2 steps 1-4).
//
// The collector sees every header field (name, raw value, top to bottom) and keeps the ARC
// ones, parsed at once. finish() then gives the chain:
//  - m_status none: no ARC field at all.
//  - m_status fail with m_reason: a field whose i= is unreadable, a duplicated field of one
//    instance, an instance outside 1..max (arc_limits.hpp; the RFC's cap is 50), a gap (an
//    instance lacking any of its three fields), a field that does not parse, the newest seal
//    saying cv=fail, or a cv= out of order (i=1 must say none, every later one pass); also
//    more fields or bytes than the limits allow.
//  - m_status pass: the form is valid; m_sets[k] is instance k + 1, oldest first. Whether
//    the signatures verify is arc_verifier.hpp's business.
// m_sets is filled whatever the status whenever the instances are contiguous from 1, so a
// diagnostic tool can still show them.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "verify/arc/arc_fields.hpp"
#include "verify/arc/arc_limits.hpp"
#include "verify/message/header_field.hpp"

namespace enma::arc {

// ArcSet - one instance: its three fields exactly as received, and parsed.
struct ArcSet {
    unsigned m_instance = 0;
    message::HeaderField m_aar_field;
    message::HeaderField m_ams_field;
    message::HeaderField m_seal_field;
    ArcAuthResults m_aar;
    ArcMessageSignature m_ams;
    ArcSeal m_seal;
};

struct ArcChain {
    ArcResult m_status = ArcResult::none;
    std::string m_reason;           // why the form is invalid (fail only)
    std::vector<ArcSet> m_sets;     // oldest first; m_sets[k].m_instance == k + 1
    std::size_t m_field_count = 0;  // ARC fields seen, kept or not
    // The highest instance among the fields kept, even when the form is broken (a sealer's
    // next set is this + 1); 0 when none was kept.
    unsigned m_highest_instance = 0;

    unsigned newest() const noexcept { return static_cast<unsigned>(m_sets.size()); }
};

class ArcCollector {
public:
    explicit ArcCollector(ArcLimits limits = {}) : m_limits(limits) {}

    // add - keep `name: raw_value` if it is an ARC field; returns whether it was one.
    bool add(std::string_view name, std::string_view raw_value);
    bool empty() const noexcept { return m_fields == 0; }
    // finish - the chain and its structural status; the collector is left empty.
    ArcChain finish();

private:
    struct Slot {
        ArcSet m_set;
        bool m_aar = false, m_ams = false, m_seal = false;
    };
    void keep(ArcFieldKind kind, std::string_view name, std::string_view raw_value);
    bool place(Slot& slot, ArcFieldKind kind, std::string_view name, std::string_view raw_value);
    std::string form_problem() const;
    static std::string cv_problem(const std::vector<ArcSet>& sets);

    ArcLimits m_limits;
    std::map<unsigned, Slot> m_slots;
    std::size_t m_fields = 0;
    std::size_t m_bytes = 0;
    std::string m_first_problem;  // the first field-level defect seen
};

// collect_arc_chain - every field of a header block through one collector.
ArcChain collect_arc_chain(const std::vector<message::HeaderField>& fields, ArcLimits limits = {});

}  // namespace enma::arc
