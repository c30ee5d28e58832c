// adsp_record.cpp - the RFC 5617 4.2.1 grammar over RFC 6376 3.2 tag lists (WSP only).
#include "verify/adsp/adsp_record.hpp"

#include <set>
#include <vector>

namespace enma::adsp {

namespace {

bool is_wsp(char c) noexcept {
    return c == ' ' || c == '\t';
}

bool is_alpha(char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

// is_valchar - RFC 6376 VALCHAR: %x21-3A / %x3C-7E (printable, not ';').
bool is_valchar(char c) noexcept {
    return c >= 0x21 && c <= 0x7e && c != ';';
}

std::string_view trim(std::string_view text) noexcept {
    while (!text.empty() && is_wsp(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && is_wsp(text.back()))
        text.remove_suffix(1);
    return text;
}

// is_tag_name - ALPHA *ALNUMPUNC.
bool is_tag_name(std::string_view name) noexcept {
    if (name.empty() || !is_alpha(name.front()))
        return false;
    for (const char c : name)
        if (!is_alpha(c) && !is_digit(c) && c != '_')
            return false;
    return true;
}

// is_tag_value - [ tval *( 1*WSP tval ) ], already trimmed.
bool is_tag_value(std::string_view value) noexcept {
    for (const char c : value)
        if (!is_valchar(c) && !is_wsp(c))
            return false;
    return true;
}

// is_hyphenated_word - ALPHA [ *(ALPHA / DIGIT / "-") (ALPHA / DIGIT) ].
bool is_hyphenated_word(std::string_view word) noexcept {
    if (word.empty() || !is_alpha(word.front()) || word.back() == '-')
        return false;
    for (const char c : word)
        if (!is_alpha(c) && !is_digit(c) && c != '-')
            return false;
    return true;
}

struct Tag {
    std::string_view m_name;
    std::string_view m_value;
};

AdspRecord malformed(std::string error) {
    AdspRecord record;
    record.m_error = std::move(error);
    return record;
}

// split_tags - the tag-specs, or an error; a final ";" is allowed, an empty tag-spec is not.
std::string split_tags(std::string_view text, std::vector<Tag>& tags) {
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t semicolon = std::min(text.find(';', start), text.size());
        const std::string_view spec = text.substr(start, semicolon - start);
        const bool last = semicolon == text.size();
        if (last && !tags.empty() && trim(spec).empty())
            break;
        const std::size_t equals = spec.find('=');
        if (equals == std::string_view::npos)
            return "tag without '='";
        const Tag tag{trim(spec.substr(0, equals)), trim(spec.substr(equals + 1))};
        if (!is_tag_name(tag.m_name))
            return "invalid tag name";
        if (!is_tag_value(tag.m_value))
            return "invalid tag value";
        tags.push_back(tag);
        start = semicolon + 1;
    }
    return {};
}

}  // namespace

std::string_view to_string(AdspPractice practice) noexcept {
    switch (practice) {
        case AdspPractice::all:
            return "all";
        case AdspPractice::discardable:
            return "discardable";
        case AdspPractice::unknown:
            break;
    }
    return "unknown";
}

AdspRecord parse_adsp_record(std::string_view text) {
    // 4.2.1: "the first four characters of the record are lowercase "dkim"".
    if (!text.starts_with("dkim"))
        return malformed("record does not start with dkim=");
    std::vector<Tag> tags;
    if (auto error = split_tags(text, tags); !error.empty())
        return malformed(std::move(error));
    std::set<std::string_view> seen;
    for (const auto& tag : tags)
        if (!seen.insert(tag.m_name).second)
            return malformed("duplicate tag " + std::string(tag.m_name));
    const std::string_view value = tags.front().m_value;
    if (tags.front().m_name != "dkim" || !is_hyphenated_word(value))
        return malformed("invalid dkim= value");
    AdspRecord record;
    record.m_ok = true;
    if (value == "all")
        record.m_practice = AdspPractice::all;
    else if (value == "discardable")
        record.m_practice = AdspPractice::discardable;
    return record;  // "unknown" and any other x-adsp-dkim-tag
}

}  // namespace enma::adsp
