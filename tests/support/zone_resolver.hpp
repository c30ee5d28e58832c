// zone_resolver.hpp - an in-memory Resolver for fast, deterministic tests and test suites.
//
// Records come from master-file text or are added one by one. Text is parsed by ldns and each
// RDATA decoded from wire format by the product's decoder (see zone_parser.hpp), so loaded
// records are exactly what UnboundResolver would hand a verifier for the same zone.
// Faults are injected per name: a delay before answering (virtual or real time, whichever the
// scheduler runs on), SERVFAIL, or no answer at all (the lookup then ends with
// DnsStatus::timeout after the query timeout, as UnboundResolver would).
// Names compare case-insensitively; CNAMEs are followed (up to 8) like a recursive resolver.
// A name without records but with descendants is an empty non-terminal: NODATA, not NXDOMAIN
// (RFC 8020). Wildcard owners (`*.example.com`) answer for names below their parent that have
// no closer existing name (RFC 4592, without the finer points of wildcard CNAME chains).
// Delays and no-answer apply to the exact name asked, SERVFAIL to every name a lookup reaches
// (the name asked and each CNAME target); set_security applies to a name and
// everything below it (the nearest enclosing setting wins); bogus answers are SERVFAIL with
// the records withheld, as answer.hpp requires. Negative answers carry TTL 0 (no SOA here).
//
// Invariant: configure before the first query; queries run on the scheduler thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "coro/scheduler.hpp"
#include "resolver/resolver.hpp"

namespace enma::resolver {

class ZoneResolver : public Resolver {
public:
    using Duration = coro::Scheduler::Duration;

    struct Question {
        std::string m_name;  // as asked, lower-cased, no trailing dot
        RrType m_type;
        friend bool operator==(const Question&, const Question&) = default;
    };

    explicit ZoneResolver(coro::Scheduler& scheduler);

    // load - add every record of a zone-file text; throws std::invalid_argument naming the
    // line on a syntax error. `origin` is the initial $ORIGIN (may be empty).
    void load(std::string_view zone_text, std::string_view origin = "");
    // add - one record; TXT/SPF data is the already-joined text, names in data may end with
    // a dot. Throws std::invalid_argument on an invalid owner name (a test set-up error).
    void add(std::string_view name, RrType type, RecordData data, std::uint32_t ttl = 3600);

    void set_default_delay(Duration delay) { m_default_delay = delay; }
    void set_delay(std::string_view name, Duration delay);
    void set_servfail(std::string_view name);
    void set_no_answer(std::string_view name);  // ends as DnsStatus::timeout
    void set_security(std::string_view name, Security security);
    void set_query_timeout(Duration timeout) { m_query_timeout = timeout; }

    // Every question asked so far, in order (for tests that count lookups).
    const std::vector<Question>& questions() const noexcept { return m_questions; }
    std::size_t query_count() const noexcept { return m_questions.size(); }

protected:
    coro::Task<Answer> do_query(std::string name, RrType type, coro::CancelToken token) override;

private:
    struct Record {
        RrType m_type;
        RecordData m_data;
        std::uint32_t m_ttl;
    };
    struct Node {
        std::vector<Record> m_records;
    };
    // Lookup - where a name leads: its node (exact or wildcard), or whether it still exists
    // as an empty non-terminal.
    struct Lookup {
        const Node* m_node = nullptr;
        bool m_exists = false;
    };

    void add_record(std::string_view name, RrType type, RecordData data, std::uint32_t ttl);
    Node& node(std::string_view name);
    Lookup find(const std::string& key) const;
    const Node* find_wildcard(const std::string& key) const;
    bool exists(const std::string& key) const;
    Duration delay_for(const std::string& key) const;
    Security security_for(std::string_view key) const;
    static const std::string* collect(const Node& node, RrType type, Answer& answer);
    // resolve - the answer from the data alone (after delays and no-answer faults).
    Answer resolve(const std::string& key, std::string display, RrType type) const;

    coro::Scheduler& m_scheduler;
    std::map<std::string, Node, std::less<>> m_nodes;  // key: lower-cased owner
    // Every proper ancestor of an owner: names that exist even without records (RFC 8020).
    std::set<std::string, std::less<>> m_ancestors;
    std::map<std::string, Duration, std::less<>> m_delays;
    std::map<std::string, DnsStatus, std::less<>> m_faults;
    std::map<std::string, Security, std::less<>> m_security;
    Duration m_default_delay{};
    Duration m_query_timeout = std::chrono::seconds(5);
    std::vector<Question> m_questions;
};

}  // namespace enma::resolver
