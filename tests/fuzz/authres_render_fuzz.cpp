// authres_render_fuzz.cpp - render_auth_results on fuzzed results, then read the header back.
//
// Input: parts separated by NUL. The first is the authserv-id; each later part starts with a
// kind byte: 'r' a new result (next byte picks the method, the rest is the result), 'c' its
// comment, 'e' its reason, 'p' a property "ptype.property=value".
// Contract checked: no CR, folds only "\n\t", every quoted-string and comment closed, one ';'
// outside them per resinfo, and the authserv-id parses back as the id we rendered (cut at 512
// octets, controls and 8-bit bytes as '?'), so forged-header detection recognises our own.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "verify/authres/auth_results.hpp"
#include "verify/authres/authserv_id.hpp"

namespace {

using enma::verify::AuthProperty;
using enma::verify::AuthResult;

constexpr std::array<std::string_view, 7> kMethods{"spf",   "sender-id", "dkim", "dkim-adsp",
                                                   "dmarc", "arc",       "iprev"};

AuthProperty make_property(std::string_view text) {
    const auto dot = text.find('.');
    const auto eq = text.find('=', dot == std::string_view::npos ? 0 : dot);
    AuthProperty property;
    property.m_ptype = text.substr(0, dot);
    if (dot != std::string_view::npos)
        property.m_property =
            text.substr(dot + 1, eq == std::string_view::npos ? eq : eq - dot - 1);
    if (eq != std::string_view::npos)
        property.m_value = text.substr(eq + 1);
    return property;
}

void add_part(std::vector<AuthResult>& results, std::string_view part) {
    const char kind = part.empty() ? 0 : part.front();
    part.remove_prefix(part.empty() ? 0 : 1);
    if (kind == 'r' || results.empty()) {
        AuthResult result;
        result.m_method = kMethods[part.empty() ? 0 : part.front() % kMethods.size()];
        result.m_result = part.substr(part.empty() ? 0 : 1);
        results.push_back(std::move(result));
    }
    if (kind == 'c')
        results.back().m_comment = part;
    else if (kind == 'e')
        results.back().m_reason = part;
    else if (kind == 'p')
        results.back().m_properties.push_back(make_property(part));
}

// separators - the ';' outside quoted-strings and comments; aborts on an unclosed one.
std::size_t separators(std::string_view value) {
    std::size_t count = 0;
    int depth = 0;
    bool quoted = false;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const char c = value[i];
        if (c == '\\' && (quoted || depth > 0))
            ++i;
        else if (c == '"' && depth == 0)
            quoted = !quoted;
        else if (!quoted && c == '(')
            ++depth;
        else if (!quoted && c == ')' && --depth < 0)
            std::abort();
        else if (!quoted && depth == 0 && c == ';')
            ++count;
    }
    if (quoted || depth != 0)
        std::abort();
    return count;
}

std::string expected_id(std::string_view id) {
    std::string out(id.substr(0, 512));
    for (auto& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
            c = '?';
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto end = input.find('\0');
    const auto id = input.substr(0, end);
    std::vector<AuthResult> results;
    for (auto rest = input.substr(end == std::string_view::npos ? input.size() : end + 1);
         end != std::string_view::npos;) {
        const auto next = rest.find('\0');
        add_part(results, rest.substr(0, next));
        if (next == std::string_view::npos)
            break;
        rest.remove_prefix(next + 1);
    }
    const auto value = enma::verify::render_auth_results(id, results);
    if (value.find('\r') != std::string::npos || value.find('\0') != std::string::npos)
        std::abort();
    for (auto at = value.find('\n'); at != std::string::npos; at = value.find('\n', at + 1))
        if (at + 1 >= value.size() || value[at + 1] != '\t')
            std::abort();
    if (separators(value) != std::max<std::size_t>(results.size(), 1))
        std::abort();
    const auto parsed = enma::verify::parse_authserv_id(value);
    if (!id.empty() && (!parsed || *parsed != expected_id(id)))
        std::abort();
    return 0;
}
