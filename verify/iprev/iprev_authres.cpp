// iprev_authres.cpp - an iprev result as an A-R resinfo.
#include "verify/iprev/iprev_authres.hpp"

namespace enma::iprev {

verify::AuthResult to_auth_result(const IprevOutput& output) {
    verify::AuthResult result;
    result.m_method = "iprev";
    result.m_result = std::string(to_string(output.m_result));
    result.m_comment = output.m_name;
    result.m_reason = output.m_reason;
    result.m_properties.push_back({"policy", "iprev", output.m_address.to_string()});
    return result;
}

}  // namespace enma::iprev
