// address_fuzz.cpp - RFC 5322 address lists and author domains on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "verify/message/address.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto list = enma::message::parse_address_list(input);
    if (list.m_ok == list.m_error.empty() ? false : true)
        std::abort();
    if (list.m_ok && list.m_mailboxes.empty())
        std::abort();
    for (const auto& mailbox : list.m_mailboxes)
        if (mailbox.m_domain.empty() || mailbox.m_local_part.empty())
            std::abort();
    const auto single = enma::message::parse_mailbox(input);
    if (single.m_ok && single.m_mailboxes.size() != 1)
        std::abort();
    const auto author = enma::message::author_domain(input);
    if (author.m_ok && (author.m_domain.empty() || !list.m_ok))
        std::abort();
    return 0;
}
