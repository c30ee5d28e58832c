// dkim_verifier.hpp - RFC 6376 verification of every DKIM-Signature of one message, streamed.
//
// The milter flow: add_header() for each field as it arrives (a DKIM-Signature is parsed at
// once and, if it is worth checking, a key request is queued), take_key_requests() to start
// fetch_key() for them on the scheduler right away, end_of_headers(), add_body() for each
// chunk, set_key() with each lookup's value once it is in, then finish().
//
// Invariants:
//  - No scheduler, resolver or thread in here: the object is owned and driven by one thread
//    (the milter thread of the message); body hashing and signature checks happen on it.
//  - The body is never buffered: each distinct (body canonicalisation, l=) pair has one
//    running hash.
//  - Only the first `signheader_limit` DKIM-Signature fields are parsed and verified; later
//    ones are only counted (no parsing, no lookup, no hashing, nothing kept) and finish()
//    reports them all as one `policy` result "N more signatures not checked", so a flood of
//    signatures costs no memory beyond the header fields themselves.
//  - A signature whose key was never set is reported as temperror "key not available".
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "verify/dkim/body_hash.hpp"
#include "verify/dkim/dkim_options.hpp"
#include "verify/dkim/dkim_result.hpp"
#include "verify/dkim/dkim_signature.hpp"
#include "verify/dkim/key_lookup.hpp"
#include "verify/message/header_field.hpp"

namespace enma::dkim {

class DkimVerifier {
public:
    // KeyRequest - a key that signature `m_index` needs: TXT at <m_selector>._domainkey.<m_domain>.
    struct KeyRequest {
        std::size_t m_index = 0;
        std::string m_selector;
        std::string m_domain;
    };

    // `now` - the verification time in seconds since the epoch (for t= and x=).
    DkimVerifier(DkimOptions options, std::int64_t now);
    ~DkimVerifier();
    DkimVerifier(const DkimVerifier&) = delete;
    DkimVerifier& operator=(const DkimVerifier&) = delete;

    void add_header(std::string_view name, std::string_view raw_value);
    // take_key_requests - the key lookups queued since the last call.
    std::vector<KeyRequest> take_key_requests();
    void set_key(std::size_t index, KeyLookupResult key);
    void end_of_headers();
    void add_body(std::string_view chunk);
    // finish - one result per verified DKIM-Signature field, in header order, then one
    // `policy` result standing for all the signatures past the limit, if any.
    std::vector<DkimResult> finish();

    std::size_t signature_count() const noexcept { return m_entries.size() + m_unchecked; }

    // share_body_hash - the running body hash for (canon, l=), created if no signature uses it
    // yet: ARC's AMS shares DKIM's body pass. Call before the first add_body(); the hash is
    // fed by add_body() and finished by finish().
    BodyHash* share_body_hash(message::Canonicalization canon, std::optional<std::uint64_t> limit);
    // running_body_hash - the hash for (canon, l=) if some signature (or ARC's AMS) already
    // uses one, else null; never creates one. Valid after end_of_headers().
    BodyHash* running_body_hash(message::Canonicalization canon,
                                std::optional<std::uint64_t> limit) const;
    // headers - every field added so far, top to bottom (ARC picks its signed fields here).
    const std::vector<message::HeaderField>& headers() const noexcept { return m_headers; }

private:
    struct Entry;

    void add_signature(std::string_view name, std::string_view raw_value);
    void check_times(Entry& entry) const;
    BodyHash* body_hash_for(const DkimSignature& sig);
    void evaluate(Entry& entry, const std::map<std::string, std::vector<std::size_t>>& index);
    std::optional<std::string> key_problem(const DkimSignature& sig, const DkimKey& key) const;
    std::string header_data(const Entry& entry,
                            std::map<std::string, std::vector<std::size_t>> index) const;

    DkimOptions m_options;
    std::int64_t m_now;
    std::vector<message::HeaderField> m_headers;
    std::vector<std::unique_ptr<Entry>> m_entries;
    std::vector<std::unique_ptr<BodyHash>> m_body_hashes;
    std::vector<KeyRequest> m_requests;
    std::size_t m_unchecked = 0;  // signatures past signheader_limit
    bool m_body_started = false;
};

}  // namespace enma::dkim
