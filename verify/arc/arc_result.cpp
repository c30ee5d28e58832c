// arc_result.cpp - ARC result words.
#include "verify/arc/arc_result.hpp"

#include "verify/message/header_field.hpp"

namespace enma::arc {

std::string_view to_string(ArcResult result) noexcept {
    switch (result) {
        case ArcResult::pass:
            return "pass";
        case ArcResult::fail:
            return "fail";
        case ArcResult::none:
            break;
    }
    return "none";
}

std::optional<ArcResult> parse_cv(std::string_view text) noexcept {
    for (ArcResult result : {ArcResult::none, ArcResult::pass, ArcResult::fail})
        if (message::iequals(text, to_string(result)))
            return result;
    return std::nullopt;
}

}  // namespace enma::arc
