// public_key_cache.cpp - PublicKeyCache: a mutex-guarded LRU of parsed keys.
#include "verify/dkim/public_key_cache.hpp"

namespace enma::dkim {

std::optional<PublicKey> PublicKeyCache::load(std::string_view key_type, std::string_view der) {
    // k= cannot hold a NUL (it is a tag value), so "type\0der" names one (type, der) pair.
    std::string key;
    key.reserve(key_type.size() + 1 + der.size());
    key.append(key_type).append(1, '\0').append(der);
    if (auto cached = find(key))
        return cached;
    // Decoded outside the lock: two threads may both decode a new key; the second insert wins.
    auto loaded = PublicKey::load(key_type, der);
    if (loaded && m_capacity > 0)
        insert(std::move(key), *loaded);
    return loaded;
}

std::optional<PublicKey> PublicKeyCache::find(const std::string& key) {
    std::lock_guard lock(m_mutex);
    const auto it = m_index.find(key);
    if (it == m_index.end())
        return std::nullopt;
    m_lru.splice(m_lru.begin(), m_lru, it->second);
    ++m_hits;
    return it->second->second;
}

void PublicKeyCache::insert(std::string key, const PublicKey& value) {
    std::lock_guard lock(m_mutex);
    if (const auto it = m_index.find(key); it != m_index.end()) {
        it->second->second = value;
        m_lru.splice(m_lru.begin(), m_lru, it->second);
        return;
    }
    m_lru.emplace_front(std::move(key), value);
    m_index.emplace(m_lru.front().first, m_lru.begin());
    if (m_lru.size() > m_capacity) {
        m_index.erase(m_lru.back().first);
        m_lru.pop_back();
    }
}

std::size_t PublicKeyCache::size() const {
    std::lock_guard lock(m_mutex);
    return m_lru.size();
}

std::size_t PublicKeyCache::hits() const {
    std::lock_guard lock(m_mutex);
    return m_hits;
}

}  // namespace enma::dkim
