// dmarc_fields.hpp - the DMARC fields of a message's log record: everything an RFC 9990
// aggregate report row needs beside what the record already has (client_ip, mail_from,
// the spf and dkimN results with their d= and s=).
#pragma once

#include "app/common/logging.hpp"
#include "verify/pipeline/dmarc_step.hpp"

namespace enma::app {

// add_dmarc_fields - dmarc_header_from, dmarc_policy_domain, dmarc_p, dmarc_sp, dmarc_np,
// dmarc_policy, dmarc_disposition, dmarc_applied, dmarc_override,
// dmarc_override_comment, dmarc_adkim, dmarc_aspf,
// dmarc_testing, dmarc_spf_aligned, dmarc_dkim_aligned, dmarc_dkim_domain,
// dmarc_dkim_selector, dmarc_spf_domain, dmarc_spf_scope, dmarc_rua, dmarc_ruf, dmarc_fo,
// dmarc_action (docs/daemon.md lists them).
void add_dmarc_fields(LogRecord& record, const pipeline::DmarcVerdict& verdict);

// action_word - none, reject, quarantine or tempfail.
std::string_view action_word(pipeline::Action action) noexcept;

}  // namespace enma::app
