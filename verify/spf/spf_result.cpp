// spf_result.cpp - names of SpfResult.
#include "verify/spf/spf_result.hpp"

#include <array>

namespace enma::spf {

namespace {
constexpr std::array<std::string_view, 7> kNames = {"none",     "neutral",   "pass",     "fail",
                                                    "softfail", "temperror", "permerror"};
}

std::string_view to_string(SpfResult result) noexcept {
    const auto index = static_cast<std::size_t>(result);
    return index < kNames.size() ? kNames[index] : "?";
}

std::optional<SpfResult> parse_spf_result(std::string_view word) noexcept {
    for (std::size_t i = 0; i < kNames.size(); ++i)
        if (kNames[i] == word)
            return static_cast<SpfResult>(i);
    return std::nullopt;
}

}  // namespace enma::spf
