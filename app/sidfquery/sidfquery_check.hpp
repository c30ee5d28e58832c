// sidfquery_check.hpp - one client address checked in sidfquery's mode, by the very
// verifiers the daemon runs (spf::check_host, sidf::check_sender_id).
//
// ENMA's sidfquery -p treats ADDRESS as the PRA mailbox directly; here it becomes the one
// From: field of a message, so the PRA code path of the daemon picks it as the PRA.
#pragma once

#include <string>
#include <string_view>

#include "app/sidfquery/sidfquery_options.hpp"
#include "coro/task.hpp"
#include "resolver/resolver.hpp"
#include "verify/spf/spf_result.hpp"

namespace enma::app {

// CheckSettings - what a check takes from outside the command line.
struct CheckSettings {
    std::string m_receiver;  // %{r}: this host's name
    bool m_prefetch = true;  // SpfLimits::m_prefetch (the result is the same either way)
};

// CheckReport - what a check found, ready to print.
struct CheckReport {
    std::string m_result;       // ENMA's word: "hardfail" for fail, else the RFC word
    std::string m_identity;     // the mailbox checked (<sender>, or the PRA)
    std::string m_mechanism;    // the term that decided; "default"; empty if none matched
    std::string m_reason;       // one line: why
    std::string m_explanation;  // expanded exp= text (fail only), else empty
};

// check_address - run the check of `options.m_mode` for `ip` (loop thread).
coro::Task<CheckReport> check_address(resolver::Resolver& resolver, const SidfqueryOptions& options,
                                      const CheckSettings& settings, resolver::IpAddress ip);

// result_word - "hardfail" for fail (as ENMA prints it), the RFC 7208 word otherwise.
std::string_view result_word(spf::SpfResult result) noexcept;

}  // namespace enma::app
