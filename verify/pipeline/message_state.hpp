// message_state.hpp - what one message's lookups share with its session.
//
// Shared (shared_ptr) by the MessageSession and every task it starts, so an abort cannot
// free it while a lookup still runs. Threads: the tasks write their outputs on the loop
// thread; the message's thread reads them only after m_group->wait() returned, and keeps
// the header-derived members (m_pra_headers, m_dkim, m_author) to itself.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "coro/scheduler.hpp"
#include "coro/task_group.hpp"
#include "resolver/query_budget.hpp"
#include "resolver/scoped_resolver.hpp"
#include "resolver/security_tally.hpp"
#include "verify/adsp/adsp_check.hpp"
#include "verify/arc/arc_verifier.hpp"
#include "verify/dkim/dkim_verifier.hpp"
#include "verify/dkim/key_lookup.hpp"
#include "verify/dmarc/author.hpp"
#include "verify/dmarc/dmarc_check.hpp"
#include "verify/iprev/iprev_check.hpp"
#include "verify/message/header_field.hpp"
#include "verify/pipeline/lookup_scope.hpp"
#include "verify/sidf/sidf_check.hpp"
#include "verify/spf/spf_check_host.hpp"

namespace enma::pipeline {

struct MessageState : LookupScope {
    using LookupScope::LookupScope;

    // One tally per method whose result rests on several answers (security_tally.hpp).
    resolver::SecurityTally m_spf_tally{m_resolver};
    resolver::SecurityTally m_sidf_tally{m_resolver};
    resolver::SecurityTally m_arc_tally{m_resolver};
    // Written on the loop thread, read by the message's thread after m_group->wait().
    std::optional<spf::SpfOutput> m_spf;
    std::optional<sidf::SidfOutput> m_sidf;
    std::map<std::size_t, dkim::KeyLookupResult> m_keys;
    std::map<std::size_t, dkim::KeyLookupResult> m_arc_keys;
    std::optional<adsp::AdspOutput> m_adsp;
    std::optional<iprev::IprevOutput> m_iprev;
    dmarc::DnsSnapshot m_dmarc_dns;
    // Kept by the message's thread.
    std::vector<sidf::HeaderField> m_pra_headers;
    std::unique_ptr<dkim::DkimVerifier> m_dkim;
    std::unique_ptr<arc::ArcVerifier> m_arc;
    // Every kept field, for the AMS's signed fields, when no DkimVerifier keeps them.
    std::vector<message::HeaderField> m_arc_headers;
    std::vector<dkim::DkimResult> m_dkim_results;  // the DKIM verdicts, for ADSP and DMARC
    std::optional<dmarc::Author> m_author;         // set at end of headers

    // from_values - the values of the kept From fields, in order.
    std::vector<std::string_view> from_values() const {
        std::vector<std::string_view> values;
        for (const auto& [name, value] : m_pra_headers)
            if (message::iequals(name, "From"))
                values.push_back(value);
        return values;
    }
};

}  // namespace enma::pipeline
