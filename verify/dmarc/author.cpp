// author.cpp - the Author Domain from the From fields.
#include "verify/dmarc/author.hpp"

#include "verify/message/address.hpp"

namespace enma::dmarc {

namespace {

Author no_author(DmarcResult result, std::string error) {
    Author author;
    author.m_result = result;
    author.m_error = std::move(error);
    return author;
}

}  // namespace

Author find_author(const std::vector<std::string_view>& from_values) {
    if (from_values.empty())
        return no_author(DmarcResult::none, "no From field");
    if (from_values.size() > 1)
        return no_author(DmarcResult::permerror, "multiple From fields");
    const auto list = message::parse_address_list(from_values.front());
    if (!list.m_ok)
        return no_author(DmarcResult::permerror, "From: " + list.m_error);
    if (list.m_mailboxes.empty())
        return no_author(DmarcResult::permerror, "From has no mailbox");
    Author author;
    for (const auto& mailbox : list.m_mailboxes) {
        if (mailbox.m_domain_literal)
            return no_author(DmarcResult::permerror, "From domain is a domain literal");
        if (!author.m_domain.empty() && author.m_domain != mailbox.m_domain)
            return no_author(DmarcResult::permerror, "From has mailboxes in several domains");
        author.m_domain = mailbox.m_domain;
    }
    author.m_address = list.m_mailboxes.front().address();
    return author;
}

}  // namespace enma::dmarc
