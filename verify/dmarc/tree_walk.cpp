// tree_walk.cpp - the DNS Tree Walk and the Organizational Domain.
#include "verify/dmarc/tree_walk.hpp"

#include "verify/message/header_field.hpp"

namespace enma::dmarc {

namespace {

constexpr std::size_t kShortcutLabels = 4;  // RFC 9989 4.10 step 5

// parent - `domain` without its left-most label.
std::string_view parent(std::string_view domain) {
    const auto dot = domain.find('.');
    return dot == std::string_view::npos ? std::string_view{} : domain.substr(dot + 1);
}

std::string failure_text(std::string_view domain, const resolver::Answer& answer) {
    return "DMARC lookup for " + std::string(domain) + " failed: " +
           std::string(answer.m_security == resolver::Security::bogus
                           ? "DNSSEC bogus"
                           : resolver::to_string(answer.m_status));
}

}  // namespace

std::optional<DmarcRecord> dmarc_record_in(const resolver::Answer& answer) {
    std::optional<DmarcRecord> found;
    for (const auto& text : answer.texts()) {
        if (!is_dmarc_record(text))
            continue;
        if (found)
            return std::nullopt;  // several: all discarded
        found = parse_dmarc_record(text);
    }
    if (found && !found->m_ok)
        return std::nullopt;
    return found;
}

namespace {

bool stops(const Level& level, bool first) {
    if (!level.m_record)
        return false;
    const PsdFlag psd = level.m_record->m_psd;
    return psd == PsdFlag::no || (!first && psd == PsdFlag::yes);
}

}  // namespace

std::size_t label_count(std::string_view domain) noexcept {
    if (domain.empty())
        return 0;
    std::size_t labels = 1;
    for (char c : domain)
        labels += c == '.';
    return labels;
}

std::vector<std::string> walk_targets(std::string_view domain) {
    std::vector<std::string> targets;
    if (domain.empty())
        return targets;
    targets.emplace_back(domain);
    std::string_view next = parent(domain);
    while (label_count(next) > kShortcutLabels)
        next = parent(next);
    for (; !next.empty(); next = parent(next))
        targets.emplace_back(next);
    return targets;
}

Question dmarc_question(std::string_view domain) {
    return {"_dmarc." + message::to_lower_ascii(domain), resolver::RrType::txt};
}

Walk walk(std::string_view domain, const DnsSnapshot& dns) {
    Walk result;
    const auto targets = walk_targets(domain);
    bool missing = false;
    for (const auto& target : targets)  // every missing question at once: one more round
        missing |= dns.find(dmarc_question(target)) == nullptr;
    if (missing)
        return result;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        const resolver::Answer* answer = dns.find(dmarc_question(targets[i]));
        if (answer->is_temporary()) {
            result.m_temporary = true;
            result.m_error = failure_text(targets[i], *answer);
            break;
        }
        Level level{targets[i], dmarc_record_in(*answer), answer->m_security};
        result.m_levels.push_back(std::move(level));
        if (stops(result.m_levels.back(), i == 0))
            break;
    }
    result.m_complete = true;
    return result;
}

std::string organizational_domain(const Walk& walk) {
    const Level* shortest = nullptr;
    for (std::size_t i = 0; i < walk.m_levels.size(); ++i) {
        const Level& level = walk.m_levels[i];
        if (!level.m_record)
            continue;
        if (level.m_record->m_psd == PsdFlag::no)
            return level.m_domain;
        if (i > 0 && level.m_record->m_psd == PsdFlag::yes) {
            // One label below the PSD, on the path from the initial domain.
            const std::string& initial = walk.m_levels.front().m_domain;
            const auto wanted = label_count(level.m_domain) + 1;
            std::string_view below = initial;
            while (label_count(below) > wanted)
                below = parent(below);
            return std::string(below);
        }
        shortest = &level;
    }
    if (shortest)
        return shortest->m_domain;
    return walk.m_levels.empty() ? std::string{} : walk.m_levels.front().m_domain;
}

}  // namespace enma::dmarc
