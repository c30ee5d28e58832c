// iprev_result.cpp - the names of the iprev results.
#include "verify/iprev/iprev_result.hpp"

namespace enma::iprev {

std::string_view to_string(IprevResult result) noexcept {
    switch (result) {
        case IprevResult::pass:
            return "pass";
        case IprevResult::fail:
            return "fail";
        case IprevResult::temperror:
            return "temperror";
        case IprevResult::permerror:
            break;
    }
    return "permerror";
}

}  // namespace enma::iprev
