// public_key_cache.hpp - parsed DKIM public keys shared by every message, by record key data.
//
// With OpenSSL 3, d2i_PUBKEY goes through the provider decoder framework and costs more than
// the RSA signature check itself (about half of enma's CPU per message with one signature),
// and every message signed by a domain carries the same p=. The daemon therefore keeps the
// parsed EVP_PKEY of the keys it saw last, so a key is decoded once, not once per message;
// the RSA key's Montgomery context, built lazily by its first verification, is kept with it.
//
// Invariants:
//  - The cache is keyed by (k=, decoded p=) exactly, so a hit is the key PublicKey::load
//    would build from the same bytes: results never depend on whether it was a hit. DNS
//    freshness is not its business: the key record is still looked up for every signature.
//  - Thread-safe (one mutex): the milter threads of concurrent messages share it. A cached
//    EVP_PKEY is only read by verifications, which OpenSSL allows from several threads.
//  - Bounded: at most `capacity` keys, the least recently used dropped first. Keys that do not
//    load are not cached (nothing to reuse, and nothing for a sender to fill it with).
#pragma once

#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "verify/dkim/public_key.hpp"

namespace enma::dkim {

class PublicKeyCache {
public:
    static constexpr std::size_t kDefaultCapacity = 512;

    explicit PublicKeyCache(std::size_t capacity = kDefaultCapacity) : m_capacity(capacity) {}
    PublicKeyCache(const PublicKeyCache&) = delete;
    PublicKeyCache& operator=(const PublicKeyCache&) = delete;

    // load - PublicKey::load(key_type, der), from the cache when the same key was loaded before.
    std::optional<PublicKey> load(std::string_view key_type, std::string_view der);

    std::size_t size() const;
    std::size_t hits() const;

private:
    using Entry = std::pair<std::string, PublicKey>;  // cache key, parsed key
    using List = std::list<Entry>;                    // most recently used first

    std::optional<PublicKey> find(const std::string& key);
    void insert(std::string key, const PublicKey& value);

    std::size_t m_capacity;
    mutable std::mutex m_mutex;
    List m_lru;
    std::unordered_map<std::string_view, List::iterator> m_index;  // views into m_lru's keys
    std::size_t m_hits = 0;
};

}  // namespace enma::dkim
