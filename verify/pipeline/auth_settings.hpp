// auth_settings.hpp - what a message's verification runs with (a config snapshot).
//
// Immutable once built and shared by every message started under it; a SIGHUP reload builds
// a new one, and messages already under way keep theirs.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "verify/dkim/dkim_options.hpp"

namespace enma::pipeline {

struct AuthSettings {
    std::string m_authserv_id;         // authresult.identifier (the host name by default)
    std::string m_receiver;            // SPF %{r}: our host name
    bool m_spf = true;                 // spf.auth
    bool m_sidf = true;                // sidf.auth
    bool m_dkim = true;                // dkim.auth
    bool m_adsp = false;               // dkimadsp.auth: RFC 5617 ADSP after the DKIM verdict
    bool m_spf_hardfail = false;       // authresult.spf_hardfail: ENMA 1.x "hardfail"
    bool m_spf_explog = false;         // spf.explog: the exp= text goes into the Verdict
    bool m_sidf_explog = false;        // sidf.explog: the same for Sender ID
    bool m_skip_authenticated = true;  // milter.skip_authenticated: no SPF/Sender ID for AUTH
    bool m_spf_prefetch = true;        // speculative parallel SPF lookups
    std::size_t m_max_queries = 256;   // resolver.max_queries_per_message
    std::chrono::milliseconds m_deadline{10'000};  // milter.verify_deadline, from end of message
    std::size_t m_max_header_bytes = 4 << 20;      // headers kept beyond this are not verified
    dkim::DkimOptions m_dkim_options;
};

}  // namespace enma::pipeline
