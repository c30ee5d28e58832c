// address.cpp - a recursive-descent parser for RFC 5322 address lists, obsolete forms included.
#include "verify/message/address.hpp"

#include <cstring>
#include <optional>

#include "verify/message/idn.hpp"

namespace enma::message {

namespace {

constexpr std::size_t max_comment_depth = 64;

bool is_atext(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80)
        return true;  // RFC 6532 UTF-8
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return c != '\0' && std::strchr("!#$%&'*+-/=?^_`{|}~", c) != nullptr;
}

// Word - an atom, a quoted string or a dot of a phrase / local part.
struct Word {
    std::string m_text;  // quoted strings: the content, quoted-pairs resolved
    std::string m_raw;   // as written (quotes kept)
    bool m_quoted = false;
    bool m_dot = false;
    bool m_space_before = false;
};

class Parser {
public:
    explicit Parser(std::string_view text) : m_text(text) {}

    AddressList address_list(bool single_mailbox);

private:
    bool at_end() const noexcept { return m_pos >= m_text.size(); }
    char peek() const noexcept { return at_end() ? '\0' : m_text[m_pos]; }
    bool fail(std::string why) {
        if (m_error.empty())
            m_error = std::move(why);
        return false;
    }
    bool failed() const noexcept { return !m_error.empty(); }

    bool skip_cfws();
    bool skip_comment();
    std::optional<Word> quoted_string();
    std::vector<Word> words();
    bool address(std::vector<Mailbox>& out);
    bool group(std::vector<Mailbox>& out);
    bool angle_addr(Mailbox& mailbox);
    bool addr_spec_after(const std::vector<Word>& local, Mailbox& mailbox);
    bool domain(Mailbox& mailbox);
    bool domain_literal(Mailbox& mailbox);
    bool obs_route();

    std::string_view m_text;
    std::size_t m_pos = 0;
    std::string m_error;
    bool m_in_group = false;
};

// skip_cfws - skip WSP, line breaks and (nested) comments; true if anything was skipped.
bool Parser::skip_cfws() {
    const std::size_t start = m_pos;
    while (!at_end() && !failed()) {
        const char c = peek();
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            ++m_pos;
        } else if (c == '(') {
            skip_comment();
        } else {
            break;
        }
    }
    return m_pos != start;
}

// skip_comment - a comment with nesting and quoted-pairs; depth is bounded, not recursive.
bool Parser::skip_comment() {
    std::size_t depth = 0;
    while (!at_end()) {
        const char c = m_text[m_pos++];
        if (c == '\\') {
            ++m_pos;
        } else if (c == '(') {
            if (++depth > max_comment_depth)
                return fail("comments nested too deeply");
        } else if (c == ')' && --depth == 0) {
            return true;
        }
    }
    return fail("unterminated comment");
}

std::optional<Word> Parser::quoted_string() {
    Word word;
    word.m_quoted = true;
    const std::size_t start = m_pos++;
    while (!at_end()) {
        const char c = m_text[m_pos++];
        if (c == '"') {
            word.m_raw = std::string(m_text.substr(start, m_pos - start));
            return word;
        }
        if (c == '\\' && !at_end()) {
            word.m_text.push_back(m_text[m_pos++]);
        } else if (c != '\r' && c != '\n') {
            word.m_text.push_back(c);
        }
    }
    fail("unterminated quoted string");
    return std::nullopt;
}

// words - a run of atoms, quoted strings and dots, with CFWS between them.
std::vector<Word> Parser::words() {
    std::vector<Word> out;
    for (;;) {
        const bool space = skip_cfws();
        if (failed() || at_end())
            break;
        const char c = peek();
        Word word;
        if (c == '"') {
            auto quoted = quoted_string();
            if (!quoted)
                break;
            word = std::move(*quoted);
        } else if (c == '.') {
            ++m_pos;
            word.m_text = word.m_raw = ".";
            word.m_dot = true;
        } else if (is_atext(c)) {
            const std::size_t start = m_pos;
            while (!at_end() && is_atext(peek()))
                ++m_pos;
            word.m_text = word.m_raw = std::string(m_text.substr(start, m_pos - start));
        } else {
            break;
        }
        word.m_space_before = space;
        out.push_back(std::move(word));
    }
    return out;
}

std::string display_name(const std::vector<Word>& words) {
    std::string out;
    for (const auto& word : words) {
        if (word.m_space_before && !out.empty())
            out.push_back(' ');
        out += word.m_text;
    }
    return out;
}

std::string local_part(const std::vector<Word>& words) {
    std::string out;
    for (const auto& word : words)
        out += word.m_raw;
    return out;
}

bool Parser::address(std::vector<Mailbox>& out) {
    std::vector<Word> phrase = words();
    if (failed())
        return false;
    Mailbox mailbox;
    mailbox.m_group_member = m_in_group;
    switch (peek()) {
        case '<':
            mailbox.m_display_name = display_name(phrase);
            if (!angle_addr(mailbox))
                return false;
            break;
        case ':':
            if (phrase.empty())
                return fail("group without a name");
            if (m_in_group)
                return fail("group inside a group");
            return group(out);
        case '@':
            if (!addr_spec_after(phrase, mailbox))
                return false;
            break;
        default:
            return fail(at_end() ? "address without '@'" : "unexpected character in address");
    }
    out.push_back(std::move(mailbox));
    return true;
}

// group - the members of a group; its display name is not needed by any verifier.
bool Parser::group(std::vector<Mailbox>& out) {
    ++m_pos;  // ':'
    m_in_group = true;
    for (;;) {
        skip_cfws();
        if (failed())
            return false;
        if (at_end()) {  // a missing ';' is tolerated: many MUAs omit it
            m_in_group = false;
            return true;
        }
        const char c = peek();
        if (c == ';') {
            ++m_pos;
            m_in_group = false;
            return true;
        }
        if (c == ',') {
            ++m_pos;
            continue;
        }
        if (!address(out))
            return false;
        skip_cfws();
        if (peek() != ',' && peek() != ';' && !at_end())
            return fail("expected ',' or ';'");
    }
}

// obs_route - "@a,@b:" before the addr-spec of an angle-addr (RFC 5322 4.4); skipped.
bool Parser::obs_route() {
    while (peek() == '@' || peek() == ',') {
        const bool at = peek() == '@';
        ++m_pos;
        if (at) {
            Mailbox ignored;
            if (!domain(ignored))
                return false;
        }
        skip_cfws();
    }
    if (peek() != ':')
        return fail("bad obs-route");
    ++m_pos;
    return true;
}

bool Parser::angle_addr(Mailbox& mailbox) {
    ++m_pos;  // '<'
    skip_cfws();
    if (peek() == '@' && !obs_route())
        return false;
    std::vector<Word> local = words();
    if (failed())
        return false;
    if (peek() == '>')
        return fail("empty address");
    if (peek() != '@')
        return fail("address without '@'");
    if (!addr_spec_after(local, mailbox))
        return false;
    skip_cfws();
    if (peek() != '>')
        return fail("unterminated angle address");
    ++m_pos;
    return true;
}

// addr_spec_after - the domain after '@'. The local part must be words joined by dots
// (dot-atom, quoted-string, obs-local-part); stray dots (leading, trailing, doubled) are
// tolerated because real mobile-carrier addresses have them, but two words side by side
// ("John Doe john@example.com") are not a local part.
bool Parser::addr_spec_after(const std::vector<Word>& local, Mailbox& mailbox) {
    if (local.empty())
        return fail("empty local part");
    for (std::size_t i = 1; i < local.size(); ++i)
        if (!local[i].m_dot && !local[i - 1].m_dot)
            return fail("words in local part not separated by '.'");
    ++m_pos;  // '@'
    mailbox.m_local_part = local_part(local);
    return domain(mailbox);
}

bool Parser::domain(Mailbox& mailbox) {
    skip_cfws();
    if (peek() == '[')
        return domain_literal(mailbox);
    std::vector<Word> labels = words();
    if (failed())
        return false;
    std::string name;
    bool expect_label = true;
    for (const auto& word : labels) {
        if (word.m_quoted)
            return fail("quoted string in domain");
        if (word.m_dot == expect_label)
            return fail("empty label in domain");
        name += word.m_text;
        expect_label = !expect_label;
    }
    if (labels.empty() || expect_label)
        return fail("empty label in domain");
    auto ascii = to_a_label(name);
    if (!ascii)
        return fail("domain is not a valid IDN");
    mailbox.m_domain = std::move(*ascii);
    return true;
}

bool Parser::domain_literal(Mailbox& mailbox) {
    const std::size_t start = m_pos++;
    while (!at_end()) {
        const char c = m_text[m_pos++];
        if (c == '\\') {
            ++m_pos;
        } else if (c == '[') {
            return fail("'[' inside domain literal");
        } else if (c == ']') {
            mailbox.m_domain = std::string(m_text.substr(start, m_pos - start));
            mailbox.m_domain_literal = true;
            return true;
        }
    }
    return fail("unterminated domain literal");
}

AddressList Parser::address_list(bool single_mailbox) {
    AddressList list;
    for (;;) {
        skip_cfws();
        if (failed() || at_end())
            break;
        if (peek() == ',') {  // obs-mbox-list: empty elements
            ++m_pos;
            continue;
        }
        if (!address(list.m_mailboxes))
            break;
        skip_cfws();
        if (!at_end() && peek() != ',') {
            fail("expected ','");
            break;
        }
    }
    if (!failed() && list.m_mailboxes.empty())
        fail("no mailbox");
    if (!failed() && single_mailbox && list.m_mailboxes.size() != 1)
        fail("not a single mailbox");
    list.m_ok = !failed();
    list.m_error = m_error;
    if (!list.m_ok)
        list.m_mailboxes.clear();
    return list;
}

}  // namespace

AddressList parse_address_list(std::string_view value) {
    return Parser(value).address_list(false);
}

AddressList parse_mailbox(std::string_view value) {
    return Parser(value).address_list(true);
}

AuthorDomain author_domain(std::string_view from_value) {
    AuthorDomain result;
    const AddressList list = parse_address_list(from_value);
    if (!list.m_ok) {
        result.m_error = list.m_error;
        return result;
    }
    for (const auto& mailbox : list.m_mailboxes) {
        if (mailbox.m_domain_literal) {
            result.m_error = "author domain is a domain literal";
            return result;
        }
        if (!result.m_domain.empty() && result.m_domain != mailbox.m_domain) {
            result.m_error = "several author domains";
            return result;
        }
        result.m_domain = mailbox.m_domain;
    }
    result.m_ok = true;
    return result;
}

}  // namespace enma::message
