// dnssec_word.cpp - DNSSEC state words.
#include "verify/pipeline/dnssec_word.hpp"

namespace enma::pipeline {

std::string_view dnssec_comment(resolver::Security security) noexcept {
    switch (security) {
        case resolver::Security::secure:
            return "DNSSEC secure";
        case resolver::Security::bogus:
            return "DNSSEC bogus";
        case resolver::Security::insecure:
            return "DNSSEC insecure";
        case resolver::Security::unchecked:
            break;
    }
    return "";
}

std::string_view dnssec_field(resolver::Security security) noexcept {
    return resolver::to_string(security);
}

std::string join_comment(std::string_view a, std::string_view b) {
    if (a.empty())
        return std::string(b);
    if (b.empty())
        return std::string(a);
    return std::string(a) + "; " + std::string(b);
}

}  // namespace enma::pipeline
