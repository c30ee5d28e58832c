// dmarc_result.cpp - the words of a DMARC verdict.
#include "verify/dmarc/dmarc_result.hpp"

namespace enma::dmarc {

std::string_view to_string(DmarcResult result) noexcept {
    switch (result) {
        case DmarcResult::none:
            return "none";
        case DmarcResult::pass:
            return "pass";
        case DmarcResult::fail:
            return "fail";
        case DmarcResult::temperror:
            return "temperror";
        case DmarcResult::permerror:
            return "permerror";
    }
    return "permerror";
}

std::string_view to_string(Policy policy) noexcept {
    switch (policy) {
        case Policy::none:
            return "none";
        case Policy::quarantine:
            return "quarantine";
        case Policy::reject:
            return "reject";
    }
    return "none";
}

}  // namespace enma::dmarc
