// arc_chain.cpp - ARC set collection and the structural checks of RFC 8617 5.2.
#include "verify/arc/arc_chain.hpp"

#include <fmt/format.h>

namespace enma::arc {

namespace {

std::string_view name_of(ArcFieldKind kind) {
    switch (kind) {
        case ArcFieldKind::aar:
            return kAarName;
        case ArcFieldKind::ams:
            return kAmsName;
        case ArcFieldKind::seal:
        case ArcFieldKind::none:
            break;
    }
    return kSealName;
}

// parsed - one field parsed, as (instance, error or empty).
std::pair<std::optional<unsigned>, std::string> parsed(ArcSet& set, ArcFieldKind kind,
                                                       std::string_view raw_value) {
    switch (kind) {
        case ArcFieldKind::aar:
            set.m_aar = parse_arc_auth_results(raw_value);
            return {set.m_aar.m_instance, set.m_aar.m_error};
        case ArcFieldKind::ams:
            set.m_ams = parse_arc_message_signature(raw_value);
            return {set.m_ams.m_instance, set.m_ams.m_error};
        case ArcFieldKind::seal:
        case ArcFieldKind::none:
            break;
    }
    set.m_seal = parse_arc_seal(raw_value);
    return {set.m_seal.m_instance, set.m_seal.m_error};
}

}  // namespace

bool ArcCollector::add(std::string_view name, std::string_view raw_value) {
    const ArcFieldKind kind = arc_field_kind(name);
    if (kind == ArcFieldKind::none)
        return false;
    ++m_fields;
    m_bytes += name.size() + raw_value.size();
    if (!m_first_problem.empty())
        return true;  // the chain fails anyway: nothing more is parsed or kept
    if (m_bytes > m_limits.m_max_bytes)
        m_first_problem = fmt::format("ARC fields exceed {} bytes", m_limits.m_max_bytes);
    else if (m_fields > 3 * static_cast<std::size_t>(m_limits.m_max_instances))
        m_first_problem = fmt::format("more than {} ARC fields", 3 * m_limits.m_max_instances);
    else
        keep(kind, name, raw_value);
    return true;
}

void ArcCollector::keep(ArcFieldKind kind, std::string_view name, std::string_view raw_value) {
    ArcSet scratch;
    auto [instance, error] = parsed(scratch, kind, raw_value);
    if (!instance) {
        m_first_problem = fmt::format("{} without a valid i=", name_of(kind));
        return;
    }
    if (*instance < 1 || *instance > m_limits.m_max_instances) {
        m_first_problem = fmt::format("{} i={} outside 1..{}", name_of(kind), *instance,
                                      m_limits.m_max_instances);
        return;
    }
    Slot& slot = m_slots[*instance];
    slot.m_set.m_instance = *instance;
    if (!place(slot, kind, name, raw_value)) {
        m_first_problem = fmt::format("duplicate {} i={}", name_of(kind), *instance);
        return;
    }
    if (!error.empty())
        m_first_problem = fmt::format("{} i={}: {}", name_of(kind), *instance, error);
    switch (kind) {  // the parse is kept: `scratch` holds it
        case ArcFieldKind::aar:
            slot.m_set.m_aar = std::move(scratch.m_aar);
            break;
        case ArcFieldKind::ams:
            slot.m_set.m_ams = std::move(scratch.m_ams);
            break;
        case ArcFieldKind::seal:
        case ArcFieldKind::none:
            slot.m_set.m_seal = std::move(scratch.m_seal);
            break;
    }
}

// place - the raw field into its slot; false if the slot already holds one of this kind.
bool ArcCollector::place(Slot& slot, ArcFieldKind kind, std::string_view name,
                         std::string_view raw_value) {
    bool& seen = kind == ArcFieldKind::aar   ? slot.m_aar
                 : kind == ArcFieldKind::ams ? slot.m_ams
                                             : slot.m_seal;
    if (seen)
        return false;
    seen = true;
    message::HeaderField field{std::string(name), std::string(raw_value)};
    if (kind == ArcFieldKind::aar)
        slot.m_set.m_aar_field = std::move(field);
    else if (kind == ArcFieldKind::ams)
        slot.m_set.m_ams_field = std::move(field);
    else
        slot.m_set.m_seal_field = std::move(field);
    return true;
}

// form_problem - a gap: an instance below the newest that lacks one of its three fields.
std::string ArcCollector::form_problem() const {
    const unsigned newest = m_slots.empty() ? 0 : m_slots.rbegin()->first;
    for (unsigned i = 1; i <= newest; ++i) {
        auto found = m_slots.find(i);
        if (found == m_slots.end())
            return fmt::format("ARC set i={} missing", i);
        const Slot& slot = found->second;
        for (auto [has, kind] :
             {std::pair{slot.m_aar, ArcFieldKind::aar}, std::pair{slot.m_ams, ArcFieldKind::ams},
              std::pair{slot.m_seal, ArcFieldKind::seal}})
            if (!has)
                return fmt::format("{} i={} missing", name_of(kind), i);
    }
    return {};
}

// cv_problem - RFC 8617 5.2 steps 3 and 4 on a complete chain.
std::string ArcCollector::cv_problem(const std::vector<ArcSet>& sets) {
    if (sets.back().m_seal.m_cv == ArcResult::fail)
        return fmt::format("ARC-Seal i={} says cv=fail", sets.size());
    for (const ArcSet& set : sets) {
        const ArcResult wanted = set.m_instance == 1 ? ArcResult::none : ArcResult::pass;
        if (set.m_seal.m_cv != wanted)
            return fmt::format("ARC-Seal i={} has cv={}", set.m_instance,
                               to_string(set.m_seal.m_cv));
    }
    return {};
}

ArcChain ArcCollector::finish() {
    ArcChain chain;
    chain.m_field_count = m_fields;
    if (m_fields == 0)
        return chain;
    chain.m_highest_instance = m_slots.empty() ? 0 : m_slots.rbegin()->first;
    const std::string gap = form_problem();
    if (gap.empty())
        for (auto& [instance, slot] : m_slots)
            chain.m_sets.push_back(std::move(slot.m_set));
    std::string problem = m_first_problem.empty() ? gap : m_first_problem;
    if (problem.empty())
        problem = cv_problem(chain.m_sets);
    chain.m_status = problem.empty() ? ArcResult::pass : ArcResult::fail;
    chain.m_reason = std::move(problem);
    *this = ArcCollector(m_limits);
    return chain;
}

ArcChain collect_arc_chain(const std::vector<message::HeaderField>& fields, ArcLimits limits) {
    ArcCollector collector(limits);
    for (const auto& field : fields)
        collector.add(field.m_name, field.m_raw_value);
    return collector.finish();
}

}  // namespace enma::arc
