// sidf_record.hpp - Sender ID record versions and scopes (RFC 4406 section 3).
//
// A Sender ID record starts "spf2.0/" followed by a comma-separated scope list ("mfrom",
// "pra", or names to be ignored), then the SPF term syntax. A v=spf1 record counts as
// "spf2.0/mfrom,pra" when no spf2.0 record covers the scope (RFC 4406 section 3.4); exactly
// one record must remain, more than one is a permerror.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "verify/spf/spf_select.hpp"

namespace enma::sidf {

enum class SidfScope : unsigned char { mfrom, pra };

// RecordVersion - what a TXT string's version section says.
struct RecordVersion {
    bool m_spf1 = false;         // "v=spf1"
    bool m_mfrom = false;        // spf2.0 with the mfrom scope
    bool m_pra = false;          // spf2.0 with the pra scope
    std::size_t m_terms_at = 0;  // where the terms begin
};

// parse_version - nullopt unless `text` begins with a well-formed version section.
std::optional<RecordVersion> parse_version(std::string_view text);

// select_record - the one record for `scope`: spf2.0 first, v=spf1 as the fallback.
spf::RecordSelection select_record(const std::vector<std::string>& texts, SidfScope scope);
// The two selectors in the form the SPF evaluator takes.
spf::RecordSelection select_mfrom(const std::vector<std::string>& texts);
spf::RecordSelection select_pra(const std::vector<std::string>& texts);

}  // namespace enma::sidf
