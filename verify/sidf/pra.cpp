// pra.cpp - PRA selection over header fields; the mailbox is read by verify/message/.
#include "verify/sidf/pra.hpp"

#include "verify/message/address.hpp"
#include "verify/message/header_field.hpp"

#include <cctype>

namespace enma::sidf {

namespace {

bool is_blank(std::string_view text) {
    for (char c : text)
        if (!std::isspace(static_cast<unsigned char>(c)))
            return false;
    return true;
}

// non_empty - indexes of the fields named `name` whose value is not blank.
std::vector<std::size_t> non_empty(const std::vector<HeaderField>& headers, std::string_view name) {
    std::vector<std::size_t> found;
    for (std::size_t i = 0; i < headers.size(); ++i)
        if (message::iequals(headers[i].first, name) && !is_blank(headers[i].second))
            found.push_back(i);
    return found;
}

// trace_between - a Received or Return-Path field strictly between two positions.
bool trace_between(const std::vector<HeaderField>& headers, std::size_t from, std::size_t to) {
    for (std::size_t i = from + 1; i < to; ++i)
        if (message::iequals(headers[i].first, "Received") ||
            message::iequals(headers[i].first, "Return-Path"))
            return true;
    return false;
}

// is_domain_name - letters, digits, '-', '_' and dots: what a PRA domain may hold once the
// parser has checked the labels and converted U-labels to A-labels.
bool is_domain_name(std::string_view domain) {
    if (domain.empty())
        return false;
    for (char c : domain)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
            return false;
    return true;
}

}  // namespace

std::optional<Mailbox> parse_single_mailbox(std::string_view value) {
    const auto list = message::parse_mailbox(value);
    if (!list.m_ok)
        return std::nullopt;  // no mailbox, several, or not RFC 5322 syntax
    const auto& mailbox = list.m_mailboxes.front();
    if (mailbox.m_group_member || mailbox.m_domain_literal || !is_domain_name(mailbox.m_domain))
        return std::nullopt;
    return Mailbox{mailbox.m_local_part, mailbox.m_domain};
}

Pra find_pra(const std::vector<HeaderField>& headers) {
    std::optional<std::size_t> chosen;
    const auto resent_senders = non_empty(headers, "Resent-Sender");
    const auto resent_froms = non_empty(headers, "Resent-From");
    if (!resent_senders.empty()) {  // step 1
        const auto sender = resent_senders.front();
        const bool older_block = !resent_froms.empty() && resent_froms.front() < sender &&
                                 trace_between(headers, resent_froms.front(), sender);
        if (!older_block)
            chosen = sender;
    }
    if (!chosen && !resent_froms.empty())
        chosen = resent_froms.front();  // step 2
    if (!chosen) {
        const auto senders = non_empty(headers, "Sender");  // step 3
        const auto froms = non_empty(headers, "From");      // step 4
        if (senders.size() > 1)
            return {std::nullopt, {}, "more than one Sender field"};
        if (senders.size() == 1) {
            chosen = senders.front();
        } else if (froms.size() == 1) {
            chosen = froms.front();
        } else {
            return {std::nullopt, {}, froms.empty() ? "no From field" : "more than one From field"};
        }
    }
    const auto& [name, value] = headers[*chosen];  // step 5
    auto mailbox = parse_single_mailbox(value);
    if (!mailbox)
        return {std::nullopt, name, "malformed " + name + " field"};
    return {std::move(mailbox), name, "from the " + name + " field"};
}

}  // namespace enma::sidf
