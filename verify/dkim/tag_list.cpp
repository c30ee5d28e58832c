// tag_list.cpp - the tag-list grammar of RFC 6376 3.2.
#include "verify/dkim/tag_list.hpp"

#include <algorithm>
#include <set>

namespace enma::dkim {

namespace {

bool is_fws(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
bool is_alpha(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
// is_valchar - RFC 6376 VALCHAR, plus UTF-8 bytes: RFC 8616 4 lets d= and i= carry U-labels.
bool is_valchar(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    return (u >= 0x21 && u <= 0x7e && c != ';') || u >= 0x80;
}

bool valid_name(std::string_view name) noexcept {
    if (name.empty() || !is_alpha(name[0]))
        return false;
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return is_alpha(c) || (c >= '0' && c <= '9') || c == '_'; });
}

// trimmed - [begin, end) of `text` without FWS at either side.
std::pair<std::size_t, std::size_t> trimmed(std::string_view text, std::size_t begin,
                                            std::size_t end) {
    while (begin < end && is_fws(text[begin]))
        ++begin;
    while (end > begin && is_fws(text[end - 1]))
        --end;
    return {begin, end};
}

// parse_spec - one "name = value" between two semicolons.
// `seen` makes duplicate detection O(log n): a field of 100k tags must not cost n^2.
bool parse_spec(std::string_view text, std::size_t begin, std::size_t end, TagList& list,
                std::set<std::string>& seen) {
    const std::size_t eq = text.find('=', begin);
    if (eq == std::string_view::npos || eq >= end) {
        list.m_error = "tag without '='";
        return false;
    }
    auto [name_begin, name_end] = trimmed(text, begin, eq);
    auto [value_begin, value_end] = trimmed(text, eq + 1, end);
    Tag tag{std::string(text.substr(name_begin, name_end - name_begin)),
            std::string(text.substr(value_begin, value_end - value_begin)), eq + 1, end};
    if (!valid_name(tag.m_name)) {
        list.m_error = "invalid tag name";
        return false;
    }
    if (!std::all_of(tag.m_value.begin(), tag.m_value.end(),
                     [](char c) { return is_valchar(c) || is_fws(c); })) {
        list.m_error = "invalid character in tag " + tag.m_name;
        return false;
    }
    if (!seen.insert(tag.m_name).second) {
        list.m_error = "duplicate tag " + tag.m_name;
        return false;
    }
    list.m_tags.push_back(std::move(tag));
    return true;
}

}  // namespace

const Tag* TagList::find(std::string_view name) const noexcept {
    for (const auto& tag : m_tags)
        if (tag.m_name == name)
            return &tag;
    return nullptr;
}

TagList parse_tag_list(std::string_view text) {
    TagList list;
    std::set<std::string> seen;
    std::size_t begin = 0;
    while (begin <= text.size()) {
        std::size_t end = text.find(';', begin);
        if (end == std::string_view::npos)
            end = text.size();
        auto [b, e] = trimmed(text, begin, end);
        const bool last = end == text.size();
        if (b == e && last && !list.m_tags.empty())
            break;  // a trailing ';' is allowed
        if (!parse_spec(text, begin, end, list, seen))
            return list;
        begin = end + 1;
    }
    list.m_ok = true;
    return list;
}

// strip_fws - every byte is stored and the end moves only past non-FWS ones: no branch per
// byte (b= and p= are hundreds of base64 bytes with folding spread among them).
std::string strip_fws(std::string_view value) {
    std::string out(value.size(), '\0');
    char* end = out.data();
    for (char c : value) {
        *end = c;
        end += is_fws(c) ? 0 : 1;
    }
    out.resize(static_cast<std::size_t>(end - out.data()));
    return out;
}

std::vector<std::string> split_list(std::string_view value, char separator) {
    std::vector<std::string> out;
    std::size_t begin = 0;
    for (;;) {
        const std::size_t end = std::min(value.find(separator, begin), value.size());
        out.push_back(strip_fws(value.substr(begin, end - begin)));
        if (end == value.size())
            break;
        begin = end + 1;
    }
    return out;
}

}  // namespace enma::dkim
