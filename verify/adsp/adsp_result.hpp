// adsp_result.hpp - the dkim-adsp result words of RFC 5617 5.4 (the A-R registry entries).
#pragma once

#include <cstdint>
#include <string_view>

namespace enma::adsp {

// none:      no ADSP record was published (or it was malformed: 4.1 treats that as NODATA)
// pass:      the message has a valid Author Domain Signature (no lookup needed)
// unknown / fail / discard: no valid Author Domain Signature, and the record said
//            dkim=unknown / all / discardable
// nxdomain:  the Author Domain does not exist (4.3, "Check Domain Scope")
// temperror: a lookup failed in a way that may be transient (SERVFAIL, timeout, DNSSEC bogus)
// permerror: the ADSP could not be evaluated for a reason that will not go away (several
//            ADSP records, no usable author domain)
enum class AdspResult : std::uint8_t {
    none,
    pass,
    unknown,
    fail,
    discard,
    nxdomain,
    temperror,
    permerror
};

std::string_view to_string(AdspResult result) noexcept;

}  // namespace enma::adsp
