// store_text.cpp - UTF-8 checked by hand: RFC 3629's well-formed sequences (no overlongs,
// no surrogates, nothing past U+10FFFF).
#include "app/report/store_text.hpp"

#include <algorithm>

namespace enma::report {

namespace {

// sequence_length - how many bytes the well-formed UTF-8 character at `text` takes; 0 if it
// is not one.
std::size_t sequence_length(std::string_view text) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const auto trail = [&](std::size_t i, unsigned lo = 0x80, unsigned hi = 0xbf) {
        return i < text.size() && byte(i) >= lo && byte(i) <= hi;
    };
    const unsigned lead = byte(0);
    if (lead >= 0x01 && lead <= 0x7f)
        return 1;
    if (lead >= 0xc2 && lead <= 0xdf)
        return trail(1) ? 2 : 0;
    if (lead >= 0xe0 && lead <= 0xef) {
        const unsigned lo = lead == 0xe0 ? 0xa0 : 0x80, hi = lead == 0xed ? 0x9f : 0xbf;
        return trail(1, lo, hi) && trail(2) ? 3 : 0;
    }
    if (lead >= 0xf0 && lead <= 0xf4) {
        const unsigned lo = lead == 0xf0 ? 0x90 : 0x80, hi = lead == 0xf4 ? 0x8f : 0xbf;
        return trail(1, lo, hi) && trail(2) && trail(3) ? 4 : 0;
    }
    return 0;
}

}  // namespace

std::string store_text(std::string_view text) {
    std::string out;
    out.reserve(std::min(text.size(), kMaxStoreText));
    while (!text.empty()) {
        const auto length = sequence_length(text);
        if (out.size() + std::max<std::size_t>(length, 1) > kMaxStoreText)
            break;
        if (length == 0)
            out += '?';
        else
            out.append(text.substr(0, length));
        text.remove_prefix(std::max<std::size_t>(length, 1));
    }
    return out;
}

}  // namespace enma::report
