// dnssec_word.hpp - how a result's DNSSEC state reads in an A-R comment and a log record.
#pragma once

#include <string>
#include <string_view>

#include "resolver/answer.hpp"

namespace enma::pipeline {

// dnssec_comment - "DNSSEC secure" / "DNSSEC insecure" / "DNSSEC bogus"; empty when the
// answers were not validated (resolver.dnssec off) or no answer counted.
std::string_view dnssec_comment(resolver::Security security) noexcept;

// dnssec_field - the log and JSON value: secure, insecure, bogus or unchecked.
std::string_view dnssec_field(resolver::Security security) noexcept;

// join_comment - two comment parts joined by "; ", either may be empty.
std::string join_comment(std::string_view a, std::string_view b);

}  // namespace enma::pipeline
