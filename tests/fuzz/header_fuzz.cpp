// header_fuzz.cpp - message splitting, header canonicalisation and the streaming body
// canonicaliser on arbitrary bytes; chunking must never change the canonical body.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "verify/message/body_canonicalizer.hpp"
#include "verify/message/canonicalization.hpp"
#include "verify/message/header_field.hpp"

namespace {

using enma::message::BodyCanonicalizer;
using enma::message::Canonicalization;

std::string canonical_body(Canonicalization canon, std::string_view body, std::size_t chunk) {
    std::string out;
    BodyCanonicalizer c(canon, [&](std::string_view bytes) { out += bytes; });
    for (std::size_t i = 0; i < body.size(); i += chunk)
        c.add(body.substr(i, chunk));
    c.finish();
    return out;
}

void check_headers(std::string_view input) {
    for (const auto& field : enma::message::split_message(input).m_fields) {
        const std::string relaxed = canonicalize_header(Canonicalization::relaxed, field);
        // The value is unfolded (a name with a stray CR is kept as it is: it never matches).
        if (relaxed.find_first_of("\r\n", relaxed.find(':')) != relaxed.size() - 2)
            std::abort();
        const std::string simple = canonicalize_header(Canonicalization::simple, field);
        if (simple.size() < field.m_name.size() + field.m_raw_value.size() + 3)
            std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    check_headers(input);
    for (auto canon : {Canonicalization::simple, Canonicalization::relaxed}) {
        const std::string whole = canonical_body(canon, input, input.size() + 1);
        if (canonical_body(canon, input, 1) != whole)
            std::abort();
        if (canonical_body(canon, input, 5) != whole)
            std::abort();
        if (canon == Canonicalization::simple && whole.size() < 2)
            std::abort();
        if (!whole.empty() && whole.substr(whole.size() - 2) != "\r\n")
            std::abort();
        if (whole.find("\r\n\r\n", whole.size() >= 4 ? whole.size() - 4 : 0) != std::string::npos &&
            whole != "\r\n")
            std::abort();  // trailing empty lines must be gone
    }
    return 0;
}
