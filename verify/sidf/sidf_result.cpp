// sidf_result.cpp - names of SidfResult and SidfFailReason.
#include "verify/sidf/sidf_result.hpp"

namespace enma::sidf {

SidfResult from_spf(spf::SpfResult result) noexcept {
    switch (result) {
        case spf::SpfResult::none:
            return SidfResult::none;
        case spf::SpfResult::neutral:
            return SidfResult::neutral;
        case spf::SpfResult::pass:
            return SidfResult::pass;
        case spf::SpfResult::fail:
            return SidfResult::fail;
        case spf::SpfResult::softfail:
            return SidfResult::softfail;
        case spf::SpfResult::temperror:
            return SidfResult::temperror;
        case spf::SpfResult::permerror:
            return SidfResult::permerror;
    }
    return SidfResult::permerror;
}

std::string_view to_string(SidfResult result) noexcept {
    switch (result) {
        case SidfResult::none:
            return "none";
        case SidfResult::neutral:
            return "neutral";
        case SidfResult::pass:
            return "pass";
        case SidfResult::policy:
            return "policy";
        case SidfResult::fail:
            return "fail";
        case SidfResult::softfail:
            return "softfail";
        case SidfResult::temperror:
            return "temperror";
        case SidfResult::permerror:
            return "permerror";
    }
    return "?";
}

std::string_view to_rfc5451_string(SidfResult result) noexcept {
    return result == SidfResult::fail ? "hardfail" : to_string(result);
}

std::string_view to_string(SidfFailReason reason) noexcept {
    switch (reason) {
        case SidfFailReason::none:
            return "";
        case SidfFailReason::not_permitted:
            return "Not Permitted";
        case SidfFailReason::domain_does_not_exist:
            return "Domain Does Not Exist";
    }
    return "?";
}

}  // namespace enma::sidf
