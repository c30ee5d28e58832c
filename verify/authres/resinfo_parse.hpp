// resinfo_parse.hpp - read the resinfos of an Authentication-Results payload (RFC 8601 2.2).
//
// For ARC: a trusted sealer's ARC-Authentication-Results says what that hop saw (RFC 8617
// 7.2). The reader is lenient where the grammar does not matter to a consumer (comments
// anywhere, FWS around '=' and '.', a "/version" after a method) and strict where it does:
// a resinfo without "method=result" is dropped, and nothing inside a comment or a quoted
// string is ever read as a method, a result or a property. Bounded: at most kMaxResinfos
// resinfos and kMaxProperties properties each are kept.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace enma::verify {

struct ParsedProperty {
    std::string m_ptype;     // lower case: smtp, header, body, policy, ...
    std::string m_property;  // lower case
    std::string m_value;     // unquoted
};

struct ParsedResinfo {
    std::string m_method;  // lower case, without /version
    std::string m_result;  // lower case
    std::vector<ParsedProperty> m_properties;

    // property - the value of ptype.property (e.g. "header", "from"), or empty.
    std::string_view property(std::string_view ptype, std::string_view name) const;
};

struct ParsedAuthResults {
    std::string m_authserv_id;
    std::vector<ParsedResinfo> m_resinfos;
};

inline constexpr std::size_t kMaxResinfos = 64;
inline constexpr std::size_t kMaxProperties = 16;

// parse_resinfos - `payload` is the value after the field name ("id; spf=pass ...").
ParsedAuthResults parse_resinfos(std::string_view payload);

}  // namespace enma::verify
