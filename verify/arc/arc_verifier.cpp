// arc_verifier.cpp - RFC 8617 5.2 steps 5-8 over a chain of valid form (arc_chain.hpp).
#include "verify/arc/arc_verifier.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "verify/dkim/dkim_verifier.hpp"
#include "verify/message/canonicalization.hpp"

namespace enma::arc {

namespace {

using Index = std::map<std::string, std::vector<std::size_t>>;  // as ArcVerifier::Index

Index index_of(const std::vector<message::HeaderField>& headers) {
    Index index;
    for (std::size_t i = 0; i < headers.size(); ++i)
        index[message::to_lower_ascii(message::trim_wsp(headers[i].m_name))].push_back(i);
    return index;
}

// without_crlf - a canonical field as the last piece of signed data (RFC 6376 3.7).
std::string without_crlf(std::string text) {
    if (text.size() >= 2)
        text.resize(text.size() - 2);
    return text;
}

// ams_header_data - DKIM's header hash input: the h= fields picked bottom-up (a name signed
// more often than it occurs adds nothing), then the AMS itself with an empty b=. `index`
// is shared by every AMS checked: the fields used are counted here, not popped from it.
std::string ams_header_data(const ArcSet& set, const std::vector<message::HeaderField>& headers,
                            const Index& index) {
    const dkim::DkimSignature& sig = set.m_ams.m_sig;
    std::map<std::string, std::size_t> used;
    std::string data;
    for (const auto& name : sig.m_signed_headers) {
        const std::string lower = message::to_lower_ascii(name);
        auto found = index.find(lower);
        if (found == index.end())
            continue;
        std::size_t& taken = used[lower];
        if (taken == found->second.size())
            continue;
        const std::size_t position = found->second[found->second.size() - 1 - taken++];
        data += message::canonicalize_header(sig.m_header_canon, headers[position]);
    }
    return data + without_crlf(message::canonicalize_header(
                      sig.m_header_canon, set.m_ams_field.m_name, sig.m_raw_without_b));
}

// seal_header_data - RFC 8617 5.1.1: every set up to `instance`, oldest first, each as AAR,
// AMS, AS, relaxed; the seal being checked with an empty b= and no final CRLF.
std::string seal_header_data(const std::vector<ArcSet>& sets, unsigned instance) {
    constexpr auto relaxed = message::Canonicalization::relaxed;
    std::string data;
    for (unsigned i = 1; i <= instance; ++i) {
        const ArcSet& set = sets[i - 1];
        data += message::canonicalize_header(relaxed, set.m_aar_field);
        data += message::canonicalize_header(relaxed, set.m_ams_field);
        if (i < instance)
            data += message::canonicalize_header(relaxed, set.m_seal_field);
    }
    const ArcSet& own = sets[instance - 1];
    return data + without_crlf(message::canonicalize_header(relaxed, own.m_seal_field.m_name,
                                                            own.m_seal.m_raw_without_b));
}

bool is_dns_failure(const SignatureCheck& check) {
    return check.m_code == CheckCode::temperror;
}

}  // namespace

ArcVerifier::ArcVerifier(ArcOptions options)
    : m_options(std::move(options)), m_collector(m_options.m_limits) {}

ArcVerifier::~ArcVerifier() = default;

bool ArcVerifier::add_header(std::string_view name, std::string_view raw_value) {
    return !m_headers_ended && m_collector.add(name, raw_value);
}

void ArcVerifier::end_of_headers(dkim::DkimVerifier* dkim) {
    if (m_headers_ended)
        return;
    m_headers_ended = true;
    m_chain = m_collector.finish();
    if (m_chain.m_status != ArcResult::pass)
        return;
    request_keys();
    attach_body_hashes(dkim);
}

// request_keys - one lookup per distinct key name: a hop's seal and AMS usually share one.
void ArcVerifier::request_keys() {
    const auto slot_for = [this](const std::string& selector, const std::string& domain) {
        for (const auto& name : m_key_names)
            if (name.m_selector == selector && name.m_domain == domain)
                return name.m_index;
        m_key_names.push_back({m_key_names.size(), selector, domain});
        m_requests.push_back(m_key_names.back());
        return m_key_names.back().m_index;
    };
    for (const ArcSet& set : m_chain.m_sets) {
        m_seal_keys.push_back(slot_for(set.m_seal.m_selector, set.m_seal.m_domain));
        m_ams_keys.push_back(slot_for(set.m_ams.m_sig.m_selector, set.m_ams.m_sig.m_domain));
    }
    m_keys.resize(m_key_names.size());
}

// attach_body_hashes - newest AMS first, so it is never the one left without a hash.
void ArcVerifier::attach_body_hashes(dkim::DkimVerifier* dkim) {
    m_ams_bodies.assign(m_chain.m_sets.size(), nullptr);
    std::vector<std::pair<message::Canonicalization, std::optional<std::uint64_t>>> used;
    for (std::size_t k = m_chain.m_sets.size(); k-- > 0;) {
        const dkim::DkimSignature& sig = m_chain.m_sets[k].m_ams.m_sig;
        const auto pair = std::pair{sig.m_body_canon, sig.m_body_length};
        if (std::find(used.begin(), used.end(), pair) == used.end()) {
            if (used.size() == kMaxBodyHashes)
                continue;
            used.push_back(pair);
        }
        if (dkim != nullptr) {
            m_ams_bodies[k] = dkim->share_body_hash(pair.first, pair.second);
            continue;
        }
        for (auto& own : m_own_bodies)
            if (own->matches(pair.first, pair.second))
                m_ams_bodies[k] = own.get();
        if (m_ams_bodies[k] == nullptr) {
            m_own_bodies.push_back(std::make_unique<dkim::BodyHash>(pair.first, pair.second));
            m_ams_bodies[k] = m_own_bodies.back().get();
        }
    }
}

std::vector<ArcVerifier::KeyRequest> ArcVerifier::take_key_requests() {
    return std::exchange(m_requests, {});
}

void ArcVerifier::set_key(std::size_t index, dkim::KeyLookupResult key) {
    if (index < m_keys.size())
        m_keys[index] = std::move(key);
}

dkim::BodyHash* ArcVerifier::running_body_hash(message::Canonicalization canon,
                                               std::optional<std::uint64_t> limit) const {
    for (dkim::BodyHash* hash : m_ams_bodies)
        if (hash != nullptr && hash->matches(canon, limit))
            return hash;
    return nullptr;
}

void ArcVerifier::add_body(std::string_view chunk) {
    for (auto& own : m_own_bodies)
        own->add(chunk);
}

const dkim::KeyLookupResult* ArcVerifier::key_for(std::size_t slot) const {
    return slot < m_keys.size() && m_keys[slot] ? &*m_keys[slot] : nullptr;
}

SignatureCheck ArcVerifier::check_ams(unsigned instance,
                                      const std::vector<message::HeaderField>& headers,
                                      const Index& index) {
    const ArcSet& set = m_chain.m_sets[instance - 1];
    const dkim::DkimSignature& sig = set.m_ams.m_sig;
    const dkim::BodyHash* body = m_ams_bodies[instance - 1];
    if (body == nullptr)
        return {CheckCode::permerror, "body not hashed (limit)", 0};
    if (sig.m_body_length && body->total_length() < *sig.m_body_length)
        return {CheckCode::fail, "l= exceeds body length", 0};
    if (body->digest() != sig.m_body_hash)
        return {CheckCode::fail, "body hash mismatch", 0};
    return check_signature(key_for(m_ams_keys[instance - 1]), sig.m_algorithm,
                           ams_header_data(set, headers, index), sig.m_signature, m_options.m_dkim);
}

SignatureCheck ArcVerifier::check_seal(unsigned instance) {
    const ArcSeal& seal = m_chain.m_sets[instance - 1].m_seal;
    return check_signature(key_for(m_seal_keys[instance - 1]), seal.m_algorithm,
                           seal_header_data(m_chain.m_sets, instance), seal.m_signature,
                           m_options.m_dkim);
}

// oldest_pass - 5.2 step 6: the AMSs from N-1 down; 0 when every one verifies.
unsigned ArcVerifier::oldest_pass(const std::vector<message::HeaderField>& headers,
                                  const Index& index) {
    for (unsigned i = m_chain.newest() - 1; i >= 1; --i)
        if (check_ams(i, headers, index).m_code != CheckCode::pass)
            return i + 1;
    return 0;
}

ArcOutput ArcVerifier::finish(const std::vector<message::HeaderField>& headers) {
    end_of_headers(nullptr);
    for (auto& own : m_own_bodies)
        own->finish();
    ArcOutput out;
    out.m_result = m_chain.m_status;
    out.m_reason = m_chain.m_reason;
    const unsigned n = m_chain.newest();
    if (n > 0) {
        const ArcSet& newest = m_chain.m_sets.back();
        out.m_instances = n;
        out.m_seal_domain = newest.m_seal.m_domain;
        out.m_seal_selector = newest.m_seal.m_selector;
        out.m_newest_cv = newest.m_seal.m_cv;
        out.m_ams_domain = newest.m_ams.m_sig.m_domain;
    }
    if (m_chain.m_status != ArcResult::pass)
        return out;
    const auto failed = [&](std::string_view field, unsigned i, const SignatureCheck& check) {
        out.m_result = ArcResult::fail;
        out.m_reason = fmt::format("{} i={}: {}", field, i, check.m_reason);
        out.m_temporary = is_dns_failure(check);
        return out;
    };
    const Index index = index_of(headers);
    const SignatureCheck ams = check_ams(n, headers, index);  // step 5
    if (ams.m_code != CheckCode::pass)
        return failed(kAmsName, n, ams);
    out.m_oldest_pass = oldest_pass(headers, index);  // step 6
    for (unsigned i = n; i >= 1; --i) {               // step 7
        const SignatureCheck seal = check_seal(i);
        if (i == n)
            out.m_key_bits = seal.m_key_bits;
        if (seal.m_code != CheckCode::pass)
            return failed(kSealName, i, seal);
    }
    return out;  // step 8: pass
}

}  // namespace enma::arc
