// dkim_verifier.cpp - the per-signature checks of RFC 6376 6.1, RFC 8301 and RFC 8463.
#include "verify/dkim/dkim_verifier.hpp"

#include <algorithm>

#include "verify/dkim/header_selection.hpp"
#include "verify/dkim/public_key.hpp"
#include "verify/dkim/public_key_cache.hpp"
#include "verify/message/canonicalization.hpp"

namespace enma::dkim {

namespace {

using Index = HeaderIndex;

// matches_granularity - RFC 4871 g=: the local part of i= against a pattern with at most one
// '*'. An empty pattern matches nothing.
bool matches_granularity(std::string_view pattern, std::string_view local) {
    if (pattern.empty())
        return false;
    const std::size_t star = pattern.find('*');
    if (star == std::string_view::npos)
        return pattern == local;
    const std::string_view head = pattern.substr(0, star), tail = pattern.substr(star + 1);
    return local.size() >= head.size() + tail.size() && local.substr(0, head.size()) == head &&
           local.substr(local.size() - tail.size()) == tail;
}

std::string_view key_type_for(Algorithm algorithm) {
    return algorithm == Algorithm::rsa_sha256 ? "rsa" : "ed25519";
}

}  // namespace

struct DkimVerifier::Entry {
    std::string m_field_name;  // as received: simple canonicalisation keeps its case
    DkimSignature m_sig;
    DkimResult m_result;
    bool m_decided = false;  // the result is final before any key or body is seen
    std::optional<KeyLookupResult> m_key;
    BodyHash* m_body = nullptr;

    void decide(DkimResultCode code, std::string reason) {
        m_result.m_code = code;
        m_result.m_reason = std::move(reason);
        m_decided = true;
    }
};

DkimVerifier::DkimVerifier(DkimOptions options, std::int64_t now)
    : m_options(std::move(options)), m_now(now) {}

DkimVerifier::~DkimVerifier() = default;

void DkimVerifier::add_header(std::string_view name, std::string_view raw_value) {
    m_headers.push_back({std::string(name), std::string(raw_value)});
    if (m_headers.back().is("DKIM-Signature"))
        add_signature(name, raw_value);
}

void DkimVerifier::add_signature(std::string_view name, std::string_view raw_value) {
    const std::size_t index = m_entries.size();
    if (index >= m_options.m_signheader_limit) {
        ++m_unchecked;
        return;
    }
    auto entry = std::make_unique<Entry>();
    entry->m_field_name = std::string(name);
    entry->m_sig = parse_dkim_signature(raw_value);
    const DkimSignature& sig = entry->m_sig;
    DkimResult& result = entry->m_result;
    result.m_domain = sig.m_domain;
    result.m_selector = sig.m_selector;
    result.m_identity = sig.m_identity;
    result.m_algorithm = sig.m_algorithm_text;
    result.m_header_b = sig.m_signature_text.substr(0, 8);
    result.m_body_length = sig.m_body_length;
    if (!sig.m_ok)
        entry->decide(DkimResultCode::permerror, sig.m_error);
    else
        check_times(*entry);
    if (!entry->m_decided)
        m_requests.push_back({index, sig.m_selector, sig.m_domain});
    m_entries.push_back(std::move(entry));
}

// check_times - x= in the past (RFC 6376 3.5: PERMFAIL) and t= in the future beyond the skew.
void DkimVerifier::check_times(Entry& entry) const {
    const DkimSignature& sig = entry.m_sig;
    if (sig.m_expiration && *sig.m_expiration < m_now && !m_options.m_accept_expired_signature)
        entry.decide(DkimResultCode::permerror, "signature expired");
    else if (sig.m_timestamp && *sig.m_timestamp > m_now + m_options.m_clock_skew)
        entry.decide(DkimResultCode::permerror, "signature timestamp in the future");
}

std::vector<DkimVerifier::KeyRequest> DkimVerifier::take_key_requests() {
    return std::exchange(m_requests, {});
}

void DkimVerifier::set_key(std::size_t index, KeyLookupResult key) {
    if (index < m_entries.size())
        m_entries[index]->m_key = std::move(key);
}

BodyHash* DkimVerifier::body_hash_for(const DkimSignature& sig) {
    return share_body_hash(sig.m_body_canon, sig.m_body_length);
}

BodyHash* DkimVerifier::running_body_hash(message::Canonicalization canon,
                                          std::optional<std::uint64_t> limit) const {
    for (const auto& hash : m_body_hashes)
        if (hash->matches(canon, limit))
            return hash.get();
    return nullptr;
}

BodyHash* DkimVerifier::share_body_hash(message::Canonicalization canon,
                                        std::optional<std::uint64_t> limit) {
    if (BodyHash* running = running_body_hash(canon, limit))
        return running;
    m_body_hashes.push_back(std::make_unique<BodyHash>(canon, limit));
    return m_body_hashes.back().get();
}

void DkimVerifier::end_of_headers() {
    if (m_body_started)
        return;
    m_body_started = true;
    for (auto& entry : m_entries)
        if (!entry->m_decided)
            entry->m_body = body_hash_for(entry->m_sig);
}

void DkimVerifier::add_body(std::string_view chunk) {
    end_of_headers();
    for (auto& hash : m_body_hashes)
        hash->add(chunk);
}

std::vector<DkimResult> DkimVerifier::finish() {
    end_of_headers();
    for (auto& hash : m_body_hashes)
        hash->finish();
    const Index index = index_headers(m_headers);
    std::vector<DkimResult> results;
    results.reserve(m_entries.size());
    for (auto& entry : m_entries) {
        if (!entry->m_decided)
            evaluate(*entry, index);
        results.push_back(entry->m_result);
    }
    if (m_unchecked > 0) {
        DkimResult over;
        over.m_code = DkimResultCode::policy;
        over.m_reason = std::to_string(m_unchecked) + " more signature" +
                        (m_unchecked == 1 ? "" : "s") + " not checked";
        results.push_back(std::move(over));
    }
    return results;
}

// key_problem - the key record's own constraints against this signature (RFC 6376 6.1.2),
// or nullopt if the key may be used.
std::optional<std::string> DkimVerifier::key_problem(const DkimSignature& sig,
                                                     const DkimKey& key) const {
    if (!key.m_ok)
        return key.m_error;
    if (key.m_revoked)
        return "key revoked";
    if (key.m_key_type != key_type_for(sig.m_algorithm))
        return "key type does not match a=";
    if (!key.allows_hash("sha256"))
        return "key h= does not allow sha256";
    if (!key.allows_email())
        return "key s= does not allow email";
    if (key.m_strict && sig.m_identity_domain != sig.m_domain)
        return "i= is a subdomain of d= but key has t=s";
    const std::string local = sig.m_identity.substr(0, sig.m_identity.rfind('@'));
    if (m_options.m_rfc4871_compatible && key.m_granularity &&
        !matches_granularity(*key.m_granularity, local))
        return "key g= does not match i=";
    return std::nullopt;
}

void DkimVerifier::evaluate(Entry& entry, const Index& index) {
    DkimResult& result = entry.m_result;
    if (!entry.m_key)
        return entry.decide(DkimResultCode::temperror, "key not available");
    const KeyLookupResult& lookup = *entry.m_key;
    result.m_key_security = lookup.m_security;
    if (lookup.m_status != KeyLookupStatus::found)
        return entry.decide(lookup.m_status == KeyLookupStatus::temperror
                                ? DkimResultCode::temperror
                                : DkimResultCode::permerror,
                            lookup.m_reason);
    const DkimKey key = select_key(lookup.m_records);
    result.m_key_testing = key.m_testing;
    if (auto problem = key_problem(entry.m_sig, key))
        return entry.decide(DkimResultCode::permerror, std::move(*problem));
    auto public_key = m_options.m_key_cache
                          ? m_options.m_key_cache->load(key.m_key_type, key.m_public_key)
                          : PublicKey::load(key.m_key_type, key.m_public_key);
    if (!public_key)
        return entry.decide(DkimResultCode::permerror, "invalid public key");
    result.m_key_bits = public_key->bits();
    if (key.m_key_type == "rsa" && result.m_key_bits < m_options.m_minimum_key_bits)
        return entry.decide(DkimResultCode::permerror, "key too short");
    if (auto problem = public_key->rsa_problem())
        return entry.decide(DkimResultCode::permerror, std::move(*problem));
    if (entry.m_body == nullptr)
        return entry.decide(DkimResultCode::temperror, "no body seen");
    const BodyHash& body = *entry.m_body;
    result.m_body_hashed = body.hashed_length();
    result.m_body_total = body.total_length();
    const DkimSignature& sig = entry.m_sig;
    if (sig.m_body_length && body.total_length() < *sig.m_body_length)
        return entry.decide(DkimResultCode::fail, "l= exceeds body length");
    if (body.digest() != sig.m_body_hash)
        return entry.decide(DkimResultCode::fail, "body hash mismatch");
    if (!public_key->verify(sig.m_algorithm, header_data(entry, index), sig.m_signature))
        return entry.decide(DkimResultCode::fail, "signature mismatch");
    entry.decide(DkimResultCode::pass, "");
}

// header_data - the h= fields picked bottom-up (a name signed more often than it occurs adds
// nothing), then the signature field itself with an empty b=, without its final CRLF (3.7).
std::string DkimVerifier::header_data(const Entry& entry, Index index) const {
    const DkimSignature& sig = entry.m_sig;
    std::string data =
        signed_header_data(sig.m_header_canon, m_headers, std::move(index), sig.m_signed_headers);
    std::string own =
        message::canonicalize_header(sig.m_header_canon, entry.m_field_name, sig.m_raw_without_b);
    own.resize(own.size() - 2);
    return data + own;
}

}  // namespace enma::dkim
