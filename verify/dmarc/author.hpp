// author.hpp - the Author Domain of RFC 9989 5.3.1, as DMARC and ADSP read it.
//
// One From field whose mailboxes all share one domain gives that domain (an A-label in lower
// case: message/address.hpp). Anything else gives no domain and the DMARC result it calls
// for: no From field is "none" (no identifier could be extracted); several From fields, an
// unparsable one, a group without mailboxes, a domain literal, or mailboxes in several
// domains are "permerror". RFC 9989 exempts the last case from DMARC; enma reports it as
// permerror rather than none so that such a message can never pass on the strength of one
// aligned domain, and an operator can see it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "verify/dmarc/dmarc_result.hpp"

namespace enma::dmarc {

struct Author {
    std::string m_domain;                      // empty when there is none
    std::string m_address;                     // the first mailbox, for the log
    DmarcResult m_result = DmarcResult::none;  // when m_domain is empty
    std::string m_error;
};

// find_author - from the unfolded values of every From field of the message, in order.
Author find_author(const std::vector<std::string_view>& from_values);

}  // namespace enma::dmarc
