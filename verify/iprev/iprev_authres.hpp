// iprev_authres.hpp - the Authentication-Results resinfo for an iprev result (RFC 8601 2.7.3):
// `iprev=pass (mail.example.com) policy.iprev=192.0.2.1`. policy.iprev is the client address;
// the name that mapped back goes in the comment (none when nothing passed), and the reason
// of a non-pass result in reason="...". The comment comes before the properties because that
// is where render_auth_results() puts every comment; RFC 8601's CFWS allows it there.
#pragma once

#include "verify/authres/auth_results.hpp"
#include "verify/iprev/iprev_check.hpp"

namespace enma::iprev {

// to_auth_result - the resinfo for `output`.
verify::AuthResult to_auth_result(const IprevOutput& output);

}  // namespace enma::iprev
