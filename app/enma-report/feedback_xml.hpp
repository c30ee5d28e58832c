// feedback_xml.hpp - an AggregateReport as the RFC 9990 XML document (<feedback> in the
// urn:ietf:params:xml:ns:dmarc-2.0 namespace), valid against
// tests/data/dmarc-aggregate-rfc9990.xsd.
//
// The output is a function of the report alone (no clock, no locale), so the same rows give
// byte-identical XML from either store.
#pragma once

#include <string>

#include "app/enma-report/aggregate_report.hpp"

namespace enma::report {

// kReportNamespace - RFC 9990's XML namespace.
inline constexpr std::string_view kReportNamespace = "urn:ietf:params:xml:ns:dmarc-2.0";

// feedback_xml - the document; date_range/end is the period's last second (end - 1).
std::string feedback_xml(const AggregateReport& report);

}  // namespace enma::report
