// adsp_record_fuzz.cpp - RFC 5617 ADSP record parsing on arbitrary bytes.
//
// Invariants checked: nothing crashes; a record is either valid with no error or malformed
// with a reason; a valid record starts with "dkim". The input is also tried as a dkim= value
// and as the tags following a valid dkim tag.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "verify/adsp/adsp_record.hpp"

namespace {

void check(std::string_view text) {
    const auto record = enma::adsp::parse_adsp_record(text);
    if (record.m_ok != record.m_error.empty())
        std::abort();
    if (record.m_ok && !text.starts_with("dkim"))
        std::abort();
    (void)enma::adsp::to_string(record.m_practice);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    check(input);
    check("dkim=" + std::string(input));
    check("dkim=all;" + std::string(input));
    return 0;
}
