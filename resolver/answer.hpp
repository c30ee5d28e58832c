// answer.hpp - what one DNS lookup tells a verifier.
//
// The contract (mapped once from libunbound's ub_result, and mirrored by ZoneResolver):
//  - status says how the lookup ended. `noerror` with records is data; `nodata` is NOERROR
//    without records of the type asked; `nxdomain` is a name that does not exist. `servfail`,
//    `refused`, `error` (another rcode or a local failure), `timeout` (no answer within the
//    query limit), `cancelled` (the message's deadline or abort cancelled it) and `budget`
//    (the per-message QueryBudget refused to send it) are all failures that RFC 7208, 6376
//    and 7489 treat as temporary.
//  - security is the DNSSEC verdict: `secure` (validated chain), `insecure` (provably unsigned),
//    `bogus` (validation failed: why_bogus says why; the records are withheld and status is
//    servfail, so a bogus answer is never mistaken for data), or `unchecked` (validation off).
//  - records hold only the type asked for, CNAMEs already followed; TXT and SPF strings of one
//    record are concatenated without separators (RFC 7208 3.3, RFC 6376 3.6.2.2). A server's
//    repeats of one RDATA are one record (RFC 2181 section 5: an RRset is a set).
//  - Domain names are returned without the trailing dot, case as received.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "resolver/ip_address.hpp"

namespace enma::resolver {

enum class RrType : std::uint16_t {
    a = 1,
    ns = 2,
    cname = 5,
    ptr = 12,
    mx = 15,
    txt = 16,
    aaaa = 28,
    spf = 99,
};

enum class DnsStatus : std::uint8_t {
    noerror,
    nodata,
    nxdomain,
    servfail,
    refused,
    error,
    timeout,
    cancelled,
    budget,
};

enum class Security : std::uint8_t { unchecked, insecure, secure, bogus };

struct MxRecord {
    std::uint16_t m_preference = 0;
    std::string m_exchange;
    friend bool operator==(const MxRecord&, const MxRecord&) = default;
};

// A record's data: an address (A, AAAA), an MX, or text. Text is a domain name for
// NS / CNAME / PTR and the joined character-strings for TXT / SPF.
using RecordData = std::variant<IpAddress, MxRecord, std::string>;

struct Answer {
    DnsStatus m_status = DnsStatus::error;
    Security m_security = Security::unchecked;
    std::string m_why_bogus;       // set when m_security == bogus
    std::string m_canonical_name;  // the name the data was found at, after CNAMEs
    std::uint32_t m_ttl = 0;       // smallest TTL of the records (or negative TTL)
    std::vector<RecordData> m_records;

    bool has_data() const noexcept { return m_status == DnsStatus::noerror && !m_records.empty(); }
    // is_temporary - SERVFAIL, timeout and friends: the RFCs' "temperror" class.
    bool is_temporary() const noexcept;
    // does_not_exist - NXDOMAIN or NODATA: RFC 7208's "void lookup".
    bool does_not_exist() const noexcept {
        return m_status == DnsStatus::nxdomain || m_status == DnsStatus::nodata;
    }

    std::vector<IpAddress> addresses() const;
    std::vector<MxRecord> mx() const;
    std::vector<std::string> texts() const;  // TXT/SPF strings, or names for PTR/CNAME/NS

    static Answer failure(DnsStatus status) {
        Answer answer;
        answer.m_status = status;
        return answer;
    }
};

// combine - the DNSSEC state of a result that rests on answers of states `a` and `b`:
// secure only when both are; bogus before unchecked before insecure.
Security combine(Security a, Security b) noexcept;

std::string_view to_string(RrType type) noexcept;
std::string_view to_string(DnsStatus status) noexcept;
std::string_view to_string(Security security) noexcept;

}  // namespace enma::resolver
