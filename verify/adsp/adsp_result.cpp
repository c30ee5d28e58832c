// adsp_result.cpp - the names of the dkim-adsp results.
#include "verify/adsp/adsp_result.hpp"

namespace enma::adsp {

std::string_view to_string(AdspResult result) noexcept {
    switch (result) {
        case AdspResult::none:
            return "none";
        case AdspResult::pass:
            return "pass";
        case AdspResult::unknown:
            return "unknown";
        case AdspResult::fail:
            return "fail";
        case AdspResult::discard:
            return "discard";
        case AdspResult::nxdomain:
            return "nxdomain";
        case AdspResult::temperror:
            return "temperror";
        case AdspResult::permerror:
            break;
    }
    return "permerror";
}

}  // namespace enma::adsp
