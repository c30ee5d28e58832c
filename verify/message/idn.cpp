// idn.cpp - U-label to A-label conversion with libidn2.
#include "verify/message/idn.hpp"

#include <idn2.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "verify/message/header_field.hpp"

namespace enma::message {

std::optional<std::string> to_a_label(std::string_view domain) {
    const bool ascii = std::all_of(domain.begin(), domain.end(),
                                   [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (ascii)
        return to_lower_ascii(domain);
    if (domain.find('\0') != std::string_view::npos)
        return std::nullopt;
    const std::string input(domain);
    char* output = nullptr;
    const int rc = idn2_to_ascii_8z(input.c_str(), &output, IDN2_NONTRANSITIONAL);
    std::unique_ptr<char, decltype(&idn2_free)> owner(output, &idn2_free);
    if (rc != IDN2_OK || output == nullptr)
        return std::nullopt;
    return to_lower_ascii(output);
}

}  // namespace enma::message
