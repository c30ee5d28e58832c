// spf_check_host.hpp - RFC 7208 check_host() as a coroutine over the Resolver.
//
// Results and limits are exactly those of the RFC's sequential algorithm, with or without
// prefetching (SpfLimits::m_prefetch): prefetching only starts lookups earlier. DNS failures
// (SERVFAIL, timeout, cancelled, over budget, DNSSEC bogus) give temperror; malformed or
// ambiguous records and exceeded limits give permerror. Nothing throws for bad input.
// Like every lookup, it runs on the scheduler's loop thread (resolver.hpp); when it returns,
// no lookup it started is still in flight.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "coro/task.hpp"
#include "resolver/resolver.hpp"
#include "verify/spf/spf_macro.hpp"
#include "verify/spf/spf_select.hpp"
#include "verify/spf/spf_types.hpp"

namespace enma::spf {

// CheckHostRequest - check_host()'s arguments spelled out: Sender ID reuses the evaluator
// with its own identity (the PRA) and record selector.
struct CheckHostRequest {
    resolver::IpAddress m_ip;
    std::string m_local;          // local-part of <sender>
    std::string m_sender_domain;  // domain of <sender>
    std::string m_domain;         // <domain>: whose policy is checked
    std::string m_helo;
    std::string m_receiver;
    std::int64_t m_timestamp = 0;
    RecordSelector m_selector = &select_spf1;
    // Sender ID's PRA scope: a <domain> that does not exist is "fail", not "none", at every
    // level of the recursion (RFC 4406 section 4.3).
    bool m_nxdomain_is_fail = false;
};

// check_host - authorize `input.m_ip` for the MAIL FROM or HELO identity of `input`. A null
// MAIL FROM is checked as postmaster@HELO (RFC 7208 section 2.4).
coro::Task<SpfOutput> check_host(resolver::Resolver& resolver, const SpfInput& input,
                                 SpfLimits& limits);
// check_host - the same with the request already built.
coro::Task<SpfOutput> check_host(resolver::Resolver& resolver, const CheckHostRequest& request,
                                 SpfLimits& limits);

// make_request - <sender>, <domain> and the macro values for an SpfInput.
CheckHostRequest make_request(const SpfInput& input);
// macro_context - the macro values of `request` with %{d} = `domain` (%{p} left "unknown").
MacroContext macro_context(const CheckHostRequest& request, std::string_view domain);
// address_type - A for an IPv4 client, AAAA for IPv6 (RFC 7208 section 5).
resolver::RrType address_type(const resolver::IpAddress& ip) noexcept;

}  // namespace enma::spf
