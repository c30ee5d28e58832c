// store_text_fuzz.cpp - the report store's text columns (store_text) and envelope domains
// (address_domain) on arbitrary bytes: the output is bounded, has no NUL, is valid UTF-8
// (cleaning it again changes nothing), as long as the input when it fits, and a domain
// has no upper-case letter.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "app/report/row_from_verdict.hpp"
#include "app/report/store_text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto text = enma::report::store_text(input);
    if (text.size() > enma::report::kMaxStoreText || text.find('\0') != std::string::npos)
        std::abort();
    if (enma::report::store_text(text) != text)
        std::abort();
    if (text.size() > size || (size <= enma::report::kMaxStoreText && text.size() != size))
        std::abort();  // a byte for a byte, a character for a character
    const auto domain = enma::report::address_domain(input);
    for (const char c : domain)
        if (c >= 'A' && c <= 'Z')
            std::abort();
    return 0;
}
