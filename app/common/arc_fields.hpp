// arc_fields.hpp - the ARC fields of a message's log record, beside the generic arc,
// arc_reason and arc_dnssec that every method gets.
#pragma once

#include "app/common/logging.hpp"
#include "verify/pipeline/arc_step.hpp"

namespace enma::app {

// add_arc_fields - arc_i, arc_oldest_pass, arc_seal_d, arc_seal_s, arc_ams_d, arc_cv,
// arc_seal_cv, arc_temporary, and with a DMARC override arc_override_sealer,
// arc_override_i and arc_override_method (docs/daemon.md lists them).
void add_arc_fields(LogRecord& record, const pipeline::ArcVerdict& verdict);

}  // namespace enma::app
