// spf_select.hpp - choosing the one policy record among a name's TXT records.
//
// SPF (RFC 7208 section 4.5) and Sender ID (RFC 4406 section 3.4) differ only here, so the
// evaluator takes the selector as a parameter and everything else is shared.
#pragma once

#include <string>
#include <vector>

namespace enma::spf {

struct RecordSelection {
    enum class Status : unsigned char { none, one, many };
    Status m_status = Status::none;
    std::string m_terms;  // the selected record without its version section
};

// RecordSelector - picks from the TXT strings of one name (each already joined).
using RecordSelector = RecordSelection (*)(const std::vector<std::string>& texts);

// select_spf1 - exactly one "v=spf1" record; other TXT records are ignored.
RecordSelection select_spf1(const std::vector<std::string>& texts);

}  // namespace enma::spf
