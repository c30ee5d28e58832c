// caching_resolver.cpp - CachingResolver: an LRU of answers with TTL expiry, loop thread only.
#include "resolver/caching_resolver.hpp"

#include <chrono>
#include <variant>

namespace enma::resolver {

namespace {

// cache_key - the name as asked, a NUL (never in a valid query name sent on), then the type.
std::string cache_key(const std::string& name, RrType type) {
    std::string key;
    key.reserve(name.size() + 3);
    key.append(name).append(1, '\0');
    const auto code = static_cast<std::uint16_t>(type);
    key.append(1, static_cast<char>(code >> 8)).append(1, static_cast<char>(code & 0xff));
    return key;
}

}  // namespace

std::size_t entry_bytes(std::string_view key, const Answer& answer) noexcept {
    // The list node (two links), the index node and bucket (a view, an iterator, a link, a
    // hash), the Entry's own members and heap blocks' rounding: a generous fixed part.
    constexpr std::size_t kNodes = 2 * sizeof(void*) + 6 * sizeof(void*) + 64;
    std::size_t bytes = kNodes + sizeof(Answer) + key.size() + answer.m_why_bogus.size() +
                        answer.m_canonical_name.size();
    for (const auto& record : answer.m_records) {
        bytes += sizeof(RecordData);
        if (const auto* text = std::get_if<std::string>(&record))
            bytes += text->size();
        else if (const auto* mx = std::get_if<MxRecord>(&record))
            bytes += mx->m_exchange.size();
    }
    return bytes;
}

bool is_cacheable(const Answer& answer) noexcept {
    switch (answer.m_status) {
        case DnsStatus::noerror:
        case DnsStatus::nodata:
        case DnsStatus::nxdomain:
            return answer.m_ttl > 0 && answer.m_security != Security::bogus;
        default:
            return false;
    }
}

CachingResolver::CachingResolver(coro::Scheduler& scheduler, std::shared_ptr<Resolver> inner,
                                 std::size_t capacity_bytes, std::shared_ptr<ResolverStats> stats)
    : m_scheduler(scheduler),
      m_inner(std::move(inner)),
      m_capacity(capacity_bytes),
      m_stats(stats ? std::move(stats) : std::make_shared<ResolverStats>()) {}

coro::Task<Answer> CachingResolver::do_query(std::string name, RrType type,
                                             coro::CancelToken token) {
    std::string key = cache_key(name, type);
    if (!token.is_cancelled()) {
        auto cached = find(key);
        if (cached) {
            m_stats->m_hits.fetch_add(1, std::memory_order_relaxed);
            co_return std::move(*cached);
        }
    }
    m_stats->m_misses.fetch_add(1, std::memory_order_relaxed);
    const auto sent = m_scheduler.now();
    Answer answer = co_await m_inner->query(std::move(name), type, std::move(token));
    m_stats->lookup_done(m_scheduler.now() - sent);
    if (is_cacheable(answer))
        store(std::move(key), answer);
    co_return answer;
}

std::optional<Answer> CachingResolver::find(const std::string& key) {
    const auto found = m_index.find(key);
    if (found == m_index.end())
        return std::nullopt;
    const auto it = found->second;
    const auto left =
        std::chrono::duration_cast<std::chrono::seconds>(it->m_expires - m_scheduler.now());
    if (left.count() <= 0) {
        erase(it);
        return std::nullopt;
    }
    m_lru.splice(m_lru.begin(), m_lru, it);
    ++m_hits;
    Answer answer = it->m_answer;
    answer.m_ttl = static_cast<std::uint32_t>(left.count());
    return answer;
}

void CachingResolver::store(std::string key, const Answer& answer) {
    if (const auto found = m_index.find(key); found != m_index.end())
        erase(found->second);  // a newer answer for the same question (raced lookups)
    const std::size_t bytes = entry_bytes(key, answer);
    if (bytes > m_capacity)
        return;
    while (m_bytes + bytes > m_capacity)
        erase(std::prev(m_lru.end()));
    const auto expires = m_scheduler.now() + std::chrono::seconds(answer.m_ttl);
    m_lru.push_front(Entry{std::move(key), answer, expires, bytes});
    m_index.emplace(m_lru.front().m_key, m_lru.begin());
    m_bytes += bytes;
}

void CachingResolver::erase(List::iterator it) {
    m_bytes -= it->m_bytes;
    m_index.erase(it->m_key);
    m_lru.erase(it);
}

}  // namespace enma::resolver
