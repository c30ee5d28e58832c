// pra_fuzz.cpp - RFC 4407 PRA selection on arbitrary header blocks: each line "Name: value"
// is one field (split_message rules: continuation lines fold into the field above).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "verify/message/header_field.hpp"
#include "verify/sidf/pra.hpp"

namespace {

bool is_lower_domain(std::string_view domain) {
    for (char c : domain)
        if (c >= 'A' && c <= 'Z')
            return false;
    return !domain.empty() && domain.front() != '.' && domain.back() != '.';
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto block = enma::message::split_message(input);
    std::vector<enma::sidf::HeaderField> headers;
    for (const auto& field : block.m_fields)
        headers.emplace_back(std::string(enma::message::trim_wsp(field.m_name)),
                             enma::message::unfold(field.m_raw_value));
    const auto pra = enma::sidf::find_pra(headers);
    if (pra.m_reason.empty())
        std::abort();
    if (!pra.m_mailbox)
        return 0;
    if (pra.m_mailbox->m_local.empty() || !is_lower_domain(pra.m_mailbox->m_domain))
        std::abort();
    // The chosen field, read again on its own, gives the same mailbox.
    for (const auto& [name, value] : headers)
        if (name == pra.m_header) {
            const auto again = enma::sidf::parse_single_mailbox(value);
            if (again && again->to_string() == pra.m_mailbox->to_string())
                return 0;
        }
    std::abort();
}
