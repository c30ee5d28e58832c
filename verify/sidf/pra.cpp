// pra.cpp - PRA selection over header fields and a minimal single-mailbox reader.
#include "verify/sidf/pra.hpp"

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

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    return text;
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

// strip_comments - (comments), nested and with quoted-pairs, become one space.
std::optional<std::string> strip_comments(std::string_view value) {
    std::string out;
    int depth = 0;
    bool quoted = false;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const char c = value[i];
        if (c == '\\' && (quoted || depth > 0) && i + 1 < value.size()) {
            if (depth == 0)
                out.append(value.substr(i, 2));
            ++i;
        } else if (depth > 0) {
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (depth == 0)
                out += ' ';
        } else if (c == '"') {
            quoted = !quoted;
            out += c;
        } else if (c == '(' && !quoted) {
            depth = 1;
        } else {
            out += c;
        }
    }
    if (depth != 0 || quoted)
        return std::nullopt;
    return out;
}

// top_level - positions of `c` outside quoted strings and angle brackets.
std::vector<std::size_t> top_level(std::string_view text, char c) {
    std::vector<std::size_t> found;
    bool quoted = false;
    int angle = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && quoted) {
            ++i;
        } else if (text[i] == '"') {
            quoted = !quoted;
        } else if (!quoted) {
            if (angle == 0 && text[i] == c)
                found.push_back(i);
            angle += text[i] == '<' ? 1 : text[i] == '>' ? -1 : 0;
        }
    }
    return found;
}

bool is_domain_name(std::string_view domain) {
    if (domain.empty() || domain.front() == '.' || domain.back() == '.')
        return false;
    char previous = 0;
    for (char c : domain) {
        if (c == '.' && previous == '.')
            return false;
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
            return false;
        previous = c;
    }
    return true;
}

// parse_addr_spec - local-part "@" domain, the domain a name (not a literal).
std::optional<Mailbox> parse_addr_spec(std::string_view spec) {
    spec = trim(spec);
    const auto ats = top_level(spec, '@');
    if (ats.empty())
        return std::nullopt;
    const auto at = ats.back();
    const auto local = trim(spec.substr(0, at));
    const auto domain = trim(spec.substr(at + 1));
    if (local.empty() || !is_domain_name(domain))
        return std::nullopt;
    if (local.front() != '"' && !top_level(local, ' ').empty())
        return std::nullopt;
    return Mailbox{std::string(local), std::string(domain)};
}

}  // namespace

std::optional<Mailbox> parse_single_mailbox(std::string_view value) {
    const auto text = strip_comments(value);
    if (!text)
        return std::nullopt;
    const std::string_view body = trim(*text);
    if (!top_level(body, ',').empty() || !top_level(body, ':').empty() ||
        !top_level(body, ';').empty())
        return std::nullopt;  // several mailboxes, or a group
    const auto open = top_level(body, '<');
    if (open.empty())
        return parse_addr_spec(body);
    const auto close = body.find('>', open.front());
    if (close == std::string_view::npos || !is_blank(body.substr(close + 1)))
        return std::nullopt;
    auto address = body.substr(open.front() + 1, close - open.front() - 1);
    if (const auto route = address.rfind(':'); route != std::string_view::npos)
        address.remove_prefix(route + 1);  // obs-route "@a,@b:" before the addr-spec
    return parse_addr_spec(address);
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
