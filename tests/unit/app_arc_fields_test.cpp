// app_arc_fields_test.cpp - ARC's fields in the message log record (docs/arc.md#log-fields).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "app/common/arc_fields.hpp"

using enma::app::add_arc_fields;
using enma::app::LogRecord;
using enma::pipeline::ArcVerdict;

namespace {

nlohmann::json fields_of(const ArcVerdict& verdict) {
    LogRecord record("message");
    add_arc_fields(record, verdict);
    return nlohmann::json::parse("{" + record.json_fields() + "}");
}

}  // namespace

TEST_CASE("no chain: only the cv= a sealer would write") {
    const auto fields = fields_of({});
    CHECK(fields["arc_seal_cv"] == "none");
    CHECK_FALSE(fields.contains("arc_i"));
    CHECK_FALSE(fields.contains("arc_override_sealer"));
}

TEST_CASE("a chain that passed, and the sealer that overrode DMARC") {
    ArcVerdict verdict;
    auto& out = verdict.m_output;
    out.m_result = enma::arc::ArcResult::pass;
    out.m_instances = 3;
    out.m_oldest_pass = 2;
    out.m_seal_domain = "lists.example";
    out.m_seal_selector = "s1";
    out.m_ams_domain = "lists.example";
    out.m_newest_cv = enma::arc::ArcResult::pass;
    verdict.m_override = enma::arc::SealerEndorsement{2, "fwd.example", "dkim"};
    const auto fields = fields_of(verdict);
    CHECK(fields["arc_seal_cv"] == "pass");
    CHECK(fields["arc_i"] == 3);
    CHECK(fields["arc_oldest_pass"] == 2);
    CHECK(fields["arc_seal_d"] == "lists.example");
    CHECK(fields["arc_seal_s"] == "s1");
    CHECK(fields["arc_ams_d"] == "lists.example");
    CHECK(fields["arc_cv"] == "pass");
    CHECK(fields["arc_temporary"] == false);
    CHECK(fields["arc_override_sealer"] == "fwd.example");
    CHECK(fields["arc_override_i"] == 2);
    CHECK(fields["arc_override_method"] == "dkim");
}

TEST_CASE("a fail resting on DNS says so, and a sealer would write cv=fail") {
    ArcVerdict verdict;
    verdict.m_output.m_result = enma::arc::ArcResult::fail;
    verdict.m_output.m_instances = 1;
    verdict.m_output.m_temporary = true;
    const auto fields = fields_of(verdict);
    CHECK(fields["arc_seal_cv"] == "fail");
    CHECK(fields["arc_temporary"] == true);
}
