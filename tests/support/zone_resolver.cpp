// zone_resolver.cpp - ZoneResolver: records in maps, faults and delays on the scheduler's clock.
#include "tests/support/zone_resolver.hpp"

#include <algorithm>
#include <stdexcept>

#include "tests/support/zone_parser.hpp"

namespace enma::resolver {

namespace {

constexpr int kMaxCnameHops = 8;

// key_of - the map key of a name: ASCII lower-case, without the trailing dot.
std::string key_of(std::string_view name) {
    if (!name.empty() && name.back() == '.')
        name.remove_suffix(1);
    std::string key(name);
    for (char& c : key)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return key;
}

std::string without_dot(std::string_view name) {
    if (!name.empty() && name.back() == '.')
        name.remove_suffix(1);
    return std::string(name);
}

// parent_of - the name minus its first label ("" above a top-level name).
std::string_view parent_of(std::string_view name) noexcept {
    const auto dot = name.find('.');
    return dot == std::string_view::npos ? std::string_view{} : name.substr(dot + 1);
}

// normalized - names inside data lose their trailing dot, like the parser's output.
RecordData normalized(RrType type, RecordData data) {
    if (auto* mx = std::get_if<MxRecord>(&data))
        mx->m_exchange = without_dot(mx->m_exchange);
    auto* text = std::get_if<std::string>(&data);
    if (text && (type == RrType::cname || type == RrType::ns || type == RrType::ptr))
        *text = without_dot(*text);
    return data;
}

}  // namespace

ZoneResolver::ZoneResolver(coro::Scheduler& scheduler) : m_scheduler(scheduler) {}

void ZoneResolver::load(std::string_view zone_text, std::string_view origin) {
    for (auto& record : parse_zone(zone_text, origin)) {
        if (record.m_data)
            add_record(record.m_owner, record.m_type, std::move(*record.m_data), record.m_ttl);
        else
            node(record.m_owner);  // a type never served, or a TXT without strings: the name exists
    }
}

void ZoneResolver::add(std::string_view name, RrType type, RecordData data, std::uint32_t ttl) {
    if (!is_valid_query_name(name))
        throw std::invalid_argument("ZoneResolver::add: bad name '" + std::string(name) + "'");
    add_record(name, type, normalized(type, std::move(data)), ttl);
}

void ZoneResolver::add_record(std::string_view name, RrType type, RecordData data,
                              std::uint32_t ttl) {
    node(name).m_records.push_back(Record{type, std::move(data), ttl});
}

// node - the node of `name`, created (with its ancestors) if new.
ZoneResolver::Node& ZoneResolver::node(std::string_view name) {
    const std::string key = key_of(name);
    for (auto parent = parent_of(key); !parent.empty(); parent = parent_of(parent))
        m_ancestors.emplace(parent);
    return m_nodes[key];
}

void ZoneResolver::set_delay(std::string_view name, Duration delay) {
    m_delays[key_of(name)] = delay;
}

void ZoneResolver::set_servfail(std::string_view name) {
    m_faults[key_of(name)] = DnsStatus::servfail;
}

void ZoneResolver::set_no_answer(std::string_view name) {
    m_faults[key_of(name)] = DnsStatus::timeout;
}

void ZoneResolver::set_security(std::string_view name, Security security) {
    m_security[key_of(name)] = security;
}

coro::Task<Answer> ZoneResolver::do_query(std::string name, RrType type, coro::CancelToken token) {
    const std::string key = key_of(name);
    m_questions.push_back(Question{key, type});
    if (!is_valid_query_name(name))
        co_return Answer::failure(DnsStatus::error);
    const auto fault = m_faults.find(key);
    if (fault != m_faults.end() && fault->second == DnsStatus::timeout) {
        // The server never answers: only the query timeout (or a cancellation) ends the wait.
        const bool expired = co_await m_scheduler.sleep_for(m_query_timeout, token);
        co_return Answer::failure(expired ? DnsStatus::timeout : DnsStatus::cancelled);
    }
    const Duration delay = delay_for(key);
    if (delay > Duration::zero()) {
        if (!co_await m_scheduler.sleep_for(delay, token))
            co_return Answer::failure(DnsStatus::cancelled);
    } else if (token.is_cancelled()) {
        co_return Answer::failure(DnsStatus::cancelled);
    }
    co_return resolve(key, without_dot(name), type);
}

ZoneResolver::Duration ZoneResolver::delay_for(const std::string& key) const {
    const auto it = m_delays.find(key);
    return it == m_delays.end() ? m_default_delay : it->second;
}

// security_for - the setting of the name or its nearest enclosing name.
Security ZoneResolver::security_for(std::string_view key) const {
    for (auto name = key; !name.empty(); name = parent_of(name)) {
        const auto it = m_security.find(name);
        if (it != m_security.end())
            return it->second;
    }
    return Security::unchecked;
}

bool ZoneResolver::exists(const std::string& key) const {
    return m_nodes.contains(key) || m_ancestors.contains(key);
}

ZoneResolver::Lookup ZoneResolver::find(const std::string& key) const {
    if (const auto it = m_nodes.find(key); it != m_nodes.end())
        return {&it->second, true};
    if (m_ancestors.contains(key))
        return {nullptr, true};  // empty non-terminal
    const Node* wildcard = find_wildcard(key);
    return {wildcard, wildcard != nullptr};
}

// find_wildcard - `*.` under the closest encloser of a name that does not exist (RFC 4592).
const ZoneResolver::Node* ZoneResolver::find_wildcard(const std::string& key) const {
    for (auto encloser = parent_of(key); !encloser.empty(); encloser = parent_of(encloser)) {
        const std::string name(encloser);
        if (!exists(name))
            continue;
        const auto it = m_nodes.find("*." + name);
        return it == m_nodes.end() ? nullptr : &it->second;
    }
    return nullptr;
}

// collect - move the node's records of `type` into `answer`; its CNAME target, if any.
const std::string* ZoneResolver::collect(const Node& node, RrType type, Answer& answer) {
    const std::string* target = nullptr;
    for (const Record& record : node.m_records) {
        if (record.m_type == type) {
            answer.m_ttl =
                answer.m_records.empty() ? record.m_ttl : std::min(answer.m_ttl, record.m_ttl);
            answer.m_records.push_back(record.m_data);
        } else if (record.m_type == RrType::cname) {
            target = std::get_if<std::string>(&record.m_data);
        }
    }
    return target;
}

// resolve - follow CNAMEs from `key` to data, NODATA, NXDOMAIN or a fault.
Answer ZoneResolver::resolve(const std::string& key, std::string display, RrType type) const {
    Answer answer;
    answer.m_security = security_for(key);
    if (answer.m_security == Security::bogus) {
        answer.m_status = DnsStatus::servfail;
        answer.m_why_bogus = "ZoneResolver: " + key + " is set bogus";
        return answer;
    }
    std::string current = key;
    answer.m_canonical_name = std::move(display);
    for (int hops = 0;; ++hops) {
        if (const auto fault = m_faults.find(current); fault != m_faults.end()) {
            answer.m_status =
                fault->second == DnsStatus::timeout ? DnsStatus::timeout : DnsStatus::servfail;
            return answer;
        }
        const Lookup lookup = find(current);
        if (lookup.m_node == nullptr) {
            answer.m_status = lookup.m_exists ? DnsStatus::nodata : DnsStatus::nxdomain;
            return answer;
        }
        const std::string* target = collect(*lookup.m_node, type, answer);
        if (!answer.m_records.empty() || target == nullptr) {
            answer.m_status = answer.m_records.empty() ? DnsStatus::nodata : DnsStatus::noerror;
            return answer;
        }
        if (hops == kMaxCnameHops) {  // a loop, or a chain longer than resolvers follow
            answer.m_status = DnsStatus::servfail;
            return answer;
        }
        answer.m_canonical_name = *target;
        current = key_of(*target);
    }
}

}  // namespace enma::resolver
