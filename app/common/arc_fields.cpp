// arc_fields.cpp - ARC's part of the message log record.
#include "app/common/arc_fields.hpp"

namespace enma::app {

void add_arc_fields(LogRecord& record, const pipeline::ArcVerdict& verdict) {
    const arc::ArcOutput& out = verdict.m_output;
    record.add("arc_seal_cv", arc::to_string(out.seal_cv()));
    if (out.m_instances == 0)
        return;
    record.add("arc_i", static_cast<std::int64_t>(out.m_instances))
        .add("arc_oldest_pass", static_cast<std::int64_t>(out.m_oldest_pass))
        .add("arc_seal_d", out.m_seal_domain)
        .add("arc_seal_s", out.m_seal_selector)
        .add("arc_ams_d", out.m_ams_domain)
        .add("arc_cv", arc::to_string(out.m_newest_cv))
        .add("arc_temporary", out.m_temporary);
    if (verdict.m_override)
        record.add("arc_override_sealer", verdict.m_override->m_sealer)
            .add("arc_override_i", static_cast<std::int64_t>(verdict.m_override->m_instance))
            .add("arc_override_method", verdict.m_override->m_method);
}

}  // namespace enma::app
