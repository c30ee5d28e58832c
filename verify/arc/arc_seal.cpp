// arc_seal.cpp - building and signing the AAR, AMS and AS of one ARC set.
#include "verify/arc/arc_seal.hpp"

#include <utility>

#include "verify/dkim/base64.hpp"
#include "verify/dkim/header_selection.hpp"
#include "verify/message/canonicalization.hpp"

namespace enma::arc {

namespace {

using message::Canonicalization;
using Tags = std::vector<std::pair<std::string, std::string>>;

constexpr std::size_t kLineWidth = 76;

// fold_tags - "a=1; b=2; ..." folded before a tag that would pass the line width, and an
// empty b= last: sign over it, then append_signature().
std::string fold_tags(const Tags& tags) {
    std::string out;
    std::size_t line = 0;
    for (const auto& [name, value] : tags) {
        std::string tag = name + "=" + value + ";";
        if (!out.empty() && line + 1 + tag.size() > kLineWidth) {
            out += "\n\t";
            line = 1;
        } else if (!out.empty()) {
            out += ' ';
            ++line;
        }
        out += tag;
        line += tag.size();
    }
    out += "\n\tb=";
    return out;
}

// append_signature - b= filled in, folded every 72 base64 characters (FWS is allowed in
// b=, and verifiers remove the whole value before hashing).
std::string append_signature(std::string value, std::string_view signature) {
    const std::string text = dkim::encode_base64(signature);
    for (std::size_t at = 0; at < text.size(); at += 72) {
        if (at != 0)
            value += "\n\t";
        value += text.substr(at, 72);
    }
    return value;
}

// without_crlf - the signature field's canonical form is hashed without its CRLF (RFC 6376
// 3.7).
std::string without_crlf(std::string text) {
    text.resize(text.size() - 2);
    return text;
}

std::optional<std::string> sign_value(const SealSettings& settings, std::string data,
                                      std::string unsigned_value) {
    auto signature = settings.m_key->sign(data);
    if (!signature)
        return std::nullopt;
    return append_signature(std::move(unsigned_value), *signature);
}

std::string join(const std::vector<std::string>& names, std::string_view separator) {
    std::string out;
    for (const auto& name : names)
        out += (out.empty() ? "" : std::string(separator)) + name;
    return out;
}

std::optional<std::string> message_signature(const SealSettings& settings, const SealInput& input) {
    const std::string unsigned_value = fold_tags({{"i", std::to_string(input.m_instance)},
                                                  {"a", "rsa-sha256"},
                                                  {"c", "relaxed/relaxed"},
                                                  {"d", settings.m_domain},
                                                  {"s", settings.m_selector},
                                                  {"t", std::to_string(input.m_now)},
                                                  {"h", join(settings.m_headers, ":")},
                                                  {"bh", dkim::encode_base64(input.m_body_hash)}});
    const auto& headers = *input.m_headers;
    std::string data = dkim::signed_header_data(Canonicalization::relaxed, headers,
                                                dkim::index_headers(headers), settings.m_headers);
    data += without_crlf(
        message::canonicalize_header(Canonicalization::relaxed, kAmsName, unsigned_value));
    return sign_value(settings, std::move(data), unsigned_value);
}

std::optional<std::string> seal_signature(const SealSettings& settings, const SealInput& input,
                                          const SealedSet& set) {
    const std::string unsigned_value = fold_tags({{"i", std::to_string(input.m_instance)},
                                                  {"a", "rsa-sha256"},
                                                  {"t", std::to_string(input.m_now)},
                                                  {"cv", std::string(to_string(input.m_cv))},
                                                  {"d", settings.m_domain},
                                                  {"s", settings.m_selector}});
    std::string data;
    if (input.m_cv != ArcResult::fail)
        for (const auto& field : input.m_previous_sets)
            data += message::canonicalize_header(Canonicalization::relaxed, field);
    data += message::canonicalize_header(Canonicalization::relaxed, kAarName, set.m_aar);
    data += message::canonicalize_header(Canonicalization::relaxed, kAmsName, set.m_ams);
    data += without_crlf(
        message::canonicalize_header(Canonicalization::relaxed, kSealName, unsigned_value));
    return sign_value(settings, std::move(data), unsigned_value);
}

}  // namespace

std::optional<SealedSet> seal(const SealSettings& settings, const SealInput& input) {
    SealedSet set;
    set.m_aar = "i=" + std::to_string(input.m_instance) + "; " + input.m_results;
    auto ams = message_signature(settings, input);
    if (!ams)
        return std::nullopt;
    set.m_ams = std::move(*ams);
    auto as = seal_signature(settings, input, set);
    if (!as)
        return std::nullopt;
    set.m_seal = std::move(*as);
    return set;
}

}  // namespace enma::arc
