// dkim_result.cpp - result words.
#include "verify/dkim/dkim_result.hpp"

namespace enma::dkim {

std::string_view to_string(DkimResultCode code) noexcept {
    switch (code) {
        case DkimResultCode::none:
            return "none";
        case DkimResultCode::pass:
            return "pass";
        case DkimResultCode::fail:
            return "fail";
        case DkimResultCode::neutral:
            return "neutral";
        case DkimResultCode::policy:
            return "policy";
        case DkimResultCode::temperror:
            return "temperror";
        case DkimResultCode::permerror:
            return "permerror";
    }
    return "neutral";
}

}  // namespace enma::dkim
