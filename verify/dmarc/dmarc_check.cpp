// dmarc_check.cpp - policy discovery, identifier alignment and the verdict (dmarc_check.hpp).
#include "verify/dmarc/dmarc_check.hpp"

#include "verify/dmarc/tree_walk.hpp"
#include "verify/message/header_field.hpp"

namespace enma::dmarc {

namespace {

enum class State : std::uint8_t { found, none, temporary, missing };

// Org - an Organizational Domain lookup.
struct Org {
    State m_state = State::found;
    std::string m_domain;
    resolver::Security m_security = resolver::Security::secure;  // neutral for combine()
    std::string m_error;
};

// Discovery - the policy record that applies to the Author Domain, if any.
struct Discovery {
    State m_state = State::none;
    std::optional<DmarcRecord> m_record;
    std::string m_domain;  // where it was found
    resolver::Security m_security = resolver::Security::secure;
    std::string m_error;
    Org m_org;  // the Author Domain's Organizational Domain
};

resolver::Security walk_security(const Walk& walk) {
    auto security = resolver::Security::secure;
    for (const auto& level : walk.m_levels)
        security = resolver::combine(security, level.m_security);
    return security;
}

Org org_from_walk(const Walk& walk) {
    if (!walk.m_complete)
        return {State::missing, {}, {}, {}};
    if (walk.m_temporary)
        return {State::temporary, {}, walk_security(walk), walk.m_error};
    return {State::found, organizational_domain(walk), walk_security(walk), {}};
}

Org org_domain_of(const DmarcInput& input, const DnsSnapshot& dns, std::string_view domain) {
    if (input.m_mode == OrgDomainMode::psl && input.m_psl)
        return {State::found, input.m_psl->organizational_domain(domain), {}, {}};
    return org_from_walk(walk(domain, dns));
}

const Level* level_with_record(const Walk& walk, std::string_view domain) {
    for (const auto& level : walk.m_levels)
        if (level.m_record &&
            (domain.empty() ? level.m_record->m_psd == PsdFlag::yes : level.m_domain == domain))
            return &level;
    return nullptr;
}

// discover_by_walk - RFC 9989 4.11 over the tree walk from the Author Domain.
Discovery discover_by_walk(const DmarcInput& input, const DnsSnapshot& dns) {
    Discovery found;
    const Walk walk_result = walk(input.m_author_domain, dns);
    found.m_org = org_from_walk(walk_result);
    if (!walk_result.m_complete)
        return {State::missing, {}, {}, {}, {}, {}};
    found.m_security = walk_security(walk_result);
    if (walk_result.m_levels.empty() ||
        (walk_result.m_temporary && !walk_result.m_levels.front().m_record)) {
        found.m_state = State::temporary;
        found.m_error = walk_result.m_error;
        return found;
    }
    const Level* level = level_with_record(walk_result, input.m_author_domain);
    if (!level)
        level = level_with_record(walk_result, found.m_org.m_domain);
    if (!level)
        level = level_with_record(walk_result, "");  // the Public Suffix Domain's
    if (level) {
        found.m_state = State::found;
        found.m_record = level->m_record;
        found.m_domain = level->m_domain;
    }
    return found;
}

// lookup_record - one RFC 7489 policy lookup; false when the evaluation must wait or stop.
bool lookup_record(const DnsSnapshot& dns, std::string_view domain, Discovery& found) {
    const resolver::Answer* answer = dns.find(dmarc_question(domain));
    if (!answer) {
        found.m_state = State::missing;
        return false;
    }
    found.m_security = resolver::combine(found.m_security, answer->m_security);
    if (answer->is_temporary()) {
        found.m_state = State::temporary;
        found.m_error = "DMARC lookup for " + std::string(domain) +
                        " failed: " + std::string(resolver::to_string(answer->m_status));
        return false;
    }
    found.m_record = dmarc_record_in(*answer);
    if (found.m_record) {
        found.m_state = State::found;
        found.m_domain = domain;
    }
    return !found.m_record;
}

// discover_by_psl - RFC 7489 6.6.3: the Author Domain, then its Organizational Domain.
Discovery discover_by_psl(const DmarcInput& input, const DnsSnapshot& dns) {
    Discovery found;
    found.m_org = org_domain_of(input, dns, input.m_author_domain);
    if (lookup_record(dns, input.m_author_domain, found) &&
        found.m_org.m_domain != input.m_author_domain)
        lookup_record(dns, found.m_org.m_domain, found);
    return found;
}

enum class Aligned : std::uint8_t { yes, no, unknown, missing };

// Aligner - RFC 9989 3.2's alignment of one identifier with the Author Domain.
struct Aligner {
    const DmarcInput& m_input;
    const DnsSnapshot& m_dns;
    const Org& m_author_org;
    resolver::Security m_security = resolver::Security::secure;

    Aligned operator()(std::string_view domain, Alignment mode) {
        if (domain.empty())
            return Aligned::no;
        if (message::iequals(domain, m_input.m_author_domain))
            return Aligned::yes;
        if (mode == Alignment::strict || !same_top_label(domain))
            return Aligned::no;
        if (m_author_org.m_state != State::found)
            return m_author_org.m_state == State::missing ? Aligned::missing : Aligned::unknown;
        const Org org = org_domain_of(m_input, m_dns, message::to_lower_ascii(domain));
        m_security = resolver::combine(m_security, org.m_security);
        if (org.m_state != State::found)
            return org.m_state == State::missing ? Aligned::missing : Aligned::unknown;
        return org.m_domain == m_author_org.m_domain ? Aligned::yes : Aligned::no;
    }

    // Organizational Domains are suffixes: different top-level labels never share one.
    bool same_top_label(std::string_view domain) const {
        const std::string_view author = m_input.m_author_domain;
        const auto top = [](std::string_view name) { return name.substr(name.rfind('.') + 1); };
        return message::iequals(top(domain), top(author));
    }
};

// Tally - what the identifiers gave: the first aligned pass, and reasons for temperror.
struct Tally {
    bool m_missing = false;
    bool m_spf_aligned = false;
    const dkim::DkimResult* m_dkim_aligned = nullptr;
    std::string m_temporary;  // why the verdict cannot be fail
};

void tally_spf(const DmarcInput& input, const DmarcRecord& record, Aligner& aligner, Tally& tally) {
    if (!input.m_spf_checked || (input.m_spf_result != spf::SpfResult::pass &&
                                 input.m_spf_result != spf::SpfResult::temperror))
        return;
    const Aligned aligned = aligner(input.m_spf_domain, record.m_aspf);
    tally.m_missing |= aligned == Aligned::missing;
    if (input.m_spf_result == spf::SpfResult::pass && aligned == Aligned::yes)
        tally.m_spf_aligned = true;
    else if (aligned == Aligned::yes || aligned == Aligned::unknown)
        tally.m_temporary = aligned == Aligned::unknown
                                ? "Organizational Domain of the MAIL FROM domain not found"
                                : "SPF temperror for an aligned MAIL FROM domain";
}

void tally_dkim(const DmarcInput& input, const DmarcRecord& record, Aligner& aligner,
                Tally& tally) {
    for (const auto& signature : input.m_dkim) {
        const bool pass = signature.m_code == dkim::DkimResultCode::pass;
        if (!pass && signature.m_code != dkim::DkimResultCode::temperror)
            continue;
        const Aligned aligned = aligner(signature.m_domain, record.m_adkim);
        tally.m_missing |= aligned == Aligned::missing;
        if (pass && aligned == Aligned::yes && !tally.m_dkim_aligned)
            tally.m_dkim_aligned = &signature;
        else if (aligned == Aligned::yes || aligned == Aligned::unknown)
            tally.m_temporary = aligned == Aligned::unknown
                                    ? "Organizational Domain of a signing domain not found"
                                    : "DKIM temperror for an aligned signing domain";
    }
}

// author_exists - RFC 9989's non-existent domain test (NXDOMAIN or NODATA for A, AAAA and
// MX); nullopt while answers are missing. A failed lookup counts as existing.
std::optional<bool> author_exists(const DmarcInput& input, const DnsSnapshot& dns) {
    bool missing = false;
    bool exists = false;
    for (auto type : {resolver::RrType::a, resolver::RrType::aaaa, resolver::RrType::mx}) {
        const resolver::Answer* answer = dns.find({input.m_author_domain, type});
        missing |= answer == nullptr;
        exists |= answer && !answer->does_not_exist();
    }
    if (missing)
        return std::nullopt;
    return exists;
}

// choose_policy - p= for the record's own domain, else sp= or np= (false: wait for DNS).
// Without `check_existence` (a message that passed) np= is not looked into.
bool choose_policy(const DmarcInput& input, const DnsSnapshot& dns, DmarcOutput& out,
                   bool check_existence) {
    const DmarcRecord& record = *out.m_record;
    out.m_policy = record.m_p;
    out.m_policy_tag = "p";
    if (out.m_policy_domain == input.m_author_domain)
        return true;
    if (record.m_sp) {
        out.m_policy = *record.m_sp;
        out.m_policy_tag = "sp";
    }
    if (check_existence && record.m_np && *record.m_np != out.m_policy) {
        const auto exists = author_exists(input, dns);
        if (!exists)
            return false;
        if (!*exists) {
            out.m_policy = *record.m_np;
            out.m_policy_tag = "np";
        }
    }
    return true;
}

Policy downgrade(Policy policy) {
    return policy == Policy::reject ? Policy::quarantine : Policy::none;
}

void choose_disposition(const DmarcInput& input, DmarcOutput& out) {
    const DmarcRecord& record = *out.m_record;
    out.m_disposition = out.m_policy;
    if (out.m_policy == Policy::none)
        return;
    if (record.m_testing) {
        out.m_disposition = Policy::none;
        out.m_override = "policy_test_mode";
    } else if (input.m_mode == OrgDomainMode::psl && record.m_pct &&
               input.m_sample >= *record.m_pct) {
        out.m_disposition = downgrade(out.m_policy);
        out.m_override = "sampled_out";
    }
}

DmarcOutput verdict(DmarcResult result, std::string reason) {
    DmarcOutput out;
    out.m_result = result;
    out.m_reason = std::move(reason);
    return out;
}

Evaluation wait_for(const DnsSnapshot& dns) {
    return {std::nullopt, dns.take_missing()};
}

// from_discovery - the output so far when discovery did not find an applicable record.
std::optional<DmarcOutput> without_policy(const Discovery& found) {
    if (found.m_state == State::temporary)
        return verdict(DmarcResult::temperror, found.m_error);
    if (found.m_state == State::none)
        return verdict(DmarcResult::none, "no DMARC record");
    if (!found.m_record->m_applies)
        return verdict(DmarcResult::none, "DMARC record at " + found.m_domain +
                                              " has no valid policy and no rua=: not applied");
    return std::nullopt;
}

void record_alignment(const Tally& tally, DmarcOutput& out) {
    out.m_spf_aligned = tally.m_spf_aligned;
    if (tally.m_dkim_aligned) {
        out.m_dkim_aligned = true;
        out.m_dkim_domain = tally.m_dkim_aligned->m_domain;
        out.m_dkim_selector = tally.m_dkim_aligned->m_selector;
    }
    if (out.m_spf_aligned || out.m_dkim_aligned) {
        out.m_result = DmarcResult::pass;
    } else if (!tally.m_temporary.empty()) {
        out.m_result = DmarcResult::temperror;
        out.m_reason = tally.m_temporary;
    } else {
        out.m_result = DmarcResult::fail;
        out.m_reason = "no aligned SPF or DKIM pass";
    }
}

}  // namespace

Evaluation evaluate_dmarc(const DmarcInput& input, const DnsSnapshot& dns) {
    if (input.m_author_domain.empty())
        return {verdict(input.m_author_result, input.m_author_error), {}};
    const Discovery found = input.m_mode == OrgDomainMode::psl ? discover_by_psl(input, dns)
                                                               : discover_by_walk(input, dns);
    if (found.m_state == State::missing)
        return wait_for(dns);
    auto early = without_policy(found);
    DmarcOutput out = early ? std::move(*early) : DmarcOutput{};
    out.m_author_domain = input.m_author_domain;
    out.m_security = found.m_security;
    out.m_org_domain = found.m_org.m_state == State::found ? found.m_org.m_domain : "";
    if (early)
        return {std::move(out), {}};
    out.m_record = found.m_record;
    out.m_policy_domain = found.m_domain;
    Aligner aligner{input, dns, found.m_org};
    Tally tally;
    tally_spf(input, *found.m_record, aligner, tally);
    tally_dkim(input, *found.m_record, aligner, tally);
    if (tally.m_missing)
        return wait_for(dns);
    out.m_security = resolver::combine(out.m_security, aligner.m_security);
    record_alignment(tally, out);
    const bool failed = out.m_result == DmarcResult::fail;
    if (!choose_policy(input, dns, out, failed))
        return wait_for(dns);
    if (failed)
        choose_disposition(input, out);
    return {std::move(out), {}};
}

std::set<Question> foreseeable_questions(const DmarcInput& input,
                                         const std::vector<std::string>& signing_domains) {
    std::set<Question> questions;
    if (input.m_author_domain.empty())
        return questions;
    const auto add_walk = [&](std::string_view domain) {
        if (input.m_mode == OrgDomainMode::psl) {
            questions.insert(dmarc_question(domain));
            if (input.m_psl)
                questions.insert(dmarc_question(input.m_psl->organizational_domain(domain)));
            return;
        }
        for (const auto& target : walk_targets(domain))
            questions.insert(dmarc_question(target));
    };
    add_walk(input.m_author_domain);
    if (input.m_mode == OrgDomainMode::psl)
        return questions;  // alignment needs no lookup
    const auto top = [](std::string_view name) { return name.substr(name.rfind('.') + 1); };
    std::vector<std::string> others = signing_domains;
    others.push_back(input.m_spf_domain);
    for (const auto& domain : others)
        if (!domain.empty() && message::iequals(top(domain), top(input.m_author_domain)) &&
            !message::iequals(domain, input.m_author_domain))
            add_walk(message::to_lower_ascii(domain));
    return questions;
}

}  // namespace enma::dmarc
