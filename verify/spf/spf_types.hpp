// spf_types.hpp - what check_host() takes and returns, and the limits it runs under.
//
// SpfLimits is both the policy (RFC 7208 section 4.6.4 limits, the prefetch switch) and the
// account of what one evaluation spent: check_host() adds to m_dns_terms / m_void_lookups, so
// a caller that shares one SpfLimits between two checks sees their sum.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <functional>
#include <string>

#include "resolver/ip_address.hpp"
#include "verify/spf/spf_result.hpp"

namespace enma::spf {

// The identity being authorized (RFC 7208 section 2.3 / 2.4).
enum class SpfIdentity : unsigned char { mail_from, helo };

struct SpfInput {
    resolver::IpAddress m_ip;  // the SMTP client; v4-mapped v6 is already folded to v4
    std::string m_mail_from;   // "local@domain", or empty for the null reverse-path
    std::string m_helo;        // the HELO/EHLO argument
    std::string m_receiver;    // %{r}; "unknown" when empty
    SpfIdentity m_identity = SpfIdentity::mail_from;
    std::function<std::int64_t()> m_clock;  // %{t}; std::time(nullptr) when empty
};

struct SpfLimits {
    // Policy (RFC 7208 section 4.6.4).
    std::size_t m_max_dns_terms = 10;    // include a mx ptr exists redirect
    std::size_t m_max_void_lookups = 2;  // NXDOMAIN / NODATA answers to those terms
    std::size_t m_max_mx_names = 10;     // more MX names than this: permerror
    std::size_t m_max_ptr_names = 10;    // PTR names beyond this are ignored
    // Launch a record's lookups together as soon as it is parsed (spf_prefetch.hpp). The
    // result is identical either way; only the latency changes.
    bool m_prefetch = true;

    // Account, added to by check_host().
    std::size_t m_dns_terms = 0;
    std::size_t m_void_lookups = 0;
};

struct SpfOutput {
    SpfResult m_result = SpfResult::none;
    std::string m_reason;            // one line: why this result (for logs and A-R comments)
    std::string m_mechanism;         // the term that decided, e.g. "-all", "include:x.example";
                                     // "default" when no term matched; empty if none matched
    std::string m_explanation;       // exp= text after macro expansion (fail only); empty if none
    std::string m_domain;            // the domain whose policy was checked (<domain>)
    std::string m_sender;            // <sender> as used for the macros
    std::size_t m_dns_terms = 0;     // DNS-querying terms this check evaluated
    std::size_t m_void_lookups = 0;  // void lookups this check met
    // Set when the result is none because the domain itself does not exist (NXDOMAIN) or is
    // not a usable domain name: Sender ID reports these as fail (RFC 4406 section 4.3).
    bool m_domain_nonexistent = false;
    bool m_domain_malformed = false;
};

}  // namespace enma::spf
