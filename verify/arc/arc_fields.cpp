// arc_fields.cpp - ARC field grammar (RFC 8617 4.1) over the DKIM tag-list parser.
#include "verify/arc/arc_fields.hpp"

#include <charconv>

#include "verify/dkim/base64.hpp"
#include "verify/dkim/tag_list.hpp"
#include "verify/message/header_field.hpp"
#include "verify/message/idn.hpp"

namespace enma::arc {

namespace {

using dkim::Tag;
using dkim::TagList;

template <typename Field>
Field failed(Field field, std::string why) {
    field.m_ok = false;
    field.m_error = std::move(why);
    return field;
}

std::optional<unsigned> instance_of(const TagList& tags) {
    const Tag* i = tags.find("i");
    return i ? parse_instance(i->m_value) : std::nullopt;
}

// seal_algorithm - the a= values DKIM accepts (RFC 8617 4.1.3 uses DKIM's registry).
bool seal_algorithm(ArcSeal& seal, std::string_view a) {
    seal.m_algorithm_text = std::string(a);
    if (a == "rsa-sha256")
        seal.m_algorithm = dkim::Algorithm::rsa_sha256;
    else if (a == "ed25519-sha256")
        seal.m_algorithm = dkim::Algorithm::ed25519_sha256;
    else
        return false;
    return true;
}

std::optional<std::int64_t> decimal(std::string_view text) {
    std::int64_t value = 0;
    if (text.empty() || text.size() > 18 || text[0] < '0' || text[0] > '9')
        return std::nullopt;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

ArcSeal seal_tags(ArcSeal seal, std::string_view raw, const TagList& tags) {
    const Tag *a = tags.find("a"), *b = tags.find("b"), *d = tags.find("d");
    const Tag *s = tags.find("s"), *cv = tags.find("cv");
    if (!a || !b || !d || !s || !cv || !seal.m_instance)
        return failed(std::move(seal), "required tag missing");
    if (tags.find("h") != nullptr)
        return failed(std::move(seal), "h= in an ARC-Seal");
    if (!seal_algorithm(seal, a->m_value))
        return failed(std::move(seal), "unsupported algorithm");
    auto signature = dkim::decode_base64(b->m_value);
    if (!signature || signature->empty())
        return failed(std::move(seal), "invalid b= value");
    seal.m_signature = std::move(*signature);
    auto domain = message::to_a_label(d->m_value);
    if (!domain || domain->empty())
        return failed(std::move(seal), "invalid d= value");
    seal.m_domain = std::move(*domain);
    seal.m_selector = message::to_lower_ascii(dkim::strip_fws(s->m_value));
    if (seal.m_selector.empty())
        return failed(std::move(seal), "empty s= value");
    auto status = parse_cv(cv->m_value);
    if (!status)
        return failed(std::move(seal), "invalid cv= value");
    seal.m_cv = *status;
    if (const Tag* t = tags.find("t"); t && !(seal.m_timestamp = decimal(t->m_value)))
        return failed(std::move(seal), "invalid t= value");
    seal.m_raw_without_b =
        std::string(raw.substr(0, b->m_value_begin)) + std::string(raw.substr(b->m_value_end));
    seal.m_ok = true;
    return seal;
}

}  // namespace

ArcFieldKind arc_field_kind(std::string_view name) noexcept {
    name = message::trim_wsp(name);
    if (message::iequals(name, kSealName))
        return ArcFieldKind::seal;
    if (message::iequals(name, kAmsName))
        return ArcFieldKind::ams;
    if (message::iequals(name, kAarName))
        return ArcFieldKind::aar;
    return ArcFieldKind::none;
}

std::optional<unsigned> parse_instance(std::string_view text) noexcept {
    text = message::trim_wsp(text);
    unsigned value = 0;
    if (text.empty() || text.size() > 3)
        return std::nullopt;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

// parse_arc_auth_results - "i=" instance ";" payload; FWS around each token (4.1.1).
ArcAuthResults parse_arc_auth_results(std::string_view raw_value) {
    ArcAuthResults aar;
    const std::string value = message::unfold(raw_value);
    const std::size_t semi = value.find(';');
    const std::string_view head = std::string_view(value).substr(0, semi);
    const std::size_t eq = head.find('=');
    if (eq == std::string_view::npos || message::trim_wsp(head.substr(0, eq)) != "i")
        return failed(std::move(aar), "i= missing");
    aar.m_instance = parse_instance(head.substr(eq + 1));
    if (!aar.m_instance)
        return failed(std::move(aar), "invalid i= value");
    if (semi == std::string::npos)
        return failed(std::move(aar), "no payload after i=");
    aar.m_payload = std::string(message::trim_wsp(std::string_view(value).substr(semi + 1)));
    if (aar.m_payload.empty())
        return failed(std::move(aar), "no payload after i=");
    aar.m_ok = true;
    return aar;
}

ArcMessageSignature parse_arc_message_signature(std::string_view raw_value) {
    ArcMessageSignature ams;
    const TagList tags = dkim::parse_tag_list(raw_value);
    if (!tags.m_ok)
        return failed(std::move(ams), "syntax error: " + tags.m_error);
    ams.m_instance = instance_of(tags);
    if (!ams.m_instance)
        return failed(std::move(ams), "invalid i= value");
    ams.m_sig = dkim::parse_dkim_signature(raw_value, dkim::SignatureKind::arc_message);
    if (!ams.m_sig.m_ok) {
        // The reason first: the argument order is unspecified, and moving `ams` empties it.
        std::string why = ams.m_sig.m_error;
        return failed(std::move(ams), std::move(why));
    }
    ams.m_ok = true;
    return ams;
}

ArcSeal parse_arc_seal(std::string_view raw_value) {
    ArcSeal seal;
    const TagList tags = dkim::parse_tag_list(raw_value);
    if (!tags.m_ok)
        return failed(std::move(seal), "syntax error: " + tags.m_error);
    seal.m_instance = instance_of(tags);
    if (!seal.m_instance)
        return failed(std::move(seal), "invalid i= value");
    return seal_tags(std::move(seal), raw_value, tags);
}

}  // namespace enma::arc
