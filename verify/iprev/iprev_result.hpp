// iprev_result.hpp - the iprev result words of RFC 8601 section 2.7.3 (the A-R registry entries).
#pragma once

#include <cstdint>
#include <string_view>

namespace enma::iprev {

// pass:      a PTR name of the client address has an A/AAAA record equal to that address
// fail:      PTR names were found, but none of those checked maps back (its forward lookup
//            gave other addresses, NXDOMAIN or NODATA)
// temperror: no name maps back and a lookup that could have decided failed in a way that may
//            be transient (SERVFAIL, timeout, DNSSEC bogus, cancelled by the deadline)
// permerror: no PTR data are published for the address (NXDOMAIN, or NOERROR with no PTR)
enum class IprevResult : std::uint8_t { pass, fail, temperror, permerror };

std::string_view to_string(IprevResult result) noexcept;

}  // namespace enma::iprev
