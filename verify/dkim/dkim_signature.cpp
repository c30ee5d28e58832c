// dkim_signature.cpp - DKIM-Signature tag semantics on top of the tag-list grammar.
#include "verify/dkim/dkim_signature.hpp"

#include <algorithm>
#include <charconv>

#include "verify/dkim/base64.hpp"
#include "verify/dkim/tag_list.hpp"
#include "verify/message/header_field.hpp"
#include "verify/message/idn.hpp"

namespace enma::dkim {

namespace {

using message::Canonicalization;

// parse_decimal - 1*DIGIT; RFC 6376 allows up to 12 (t=, x=) or 76 (l=) digits, but a value
// that does not fit 63 bits is useless to us, so it is an error.
template <typename Int>
std::optional<Int> parse_decimal(std::string_view text) {
    Int value{};
    if (text.empty() || text.size() > 18)
        return std::nullopt;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || text[0] == '-' || text[0] == '+')
        return std::nullopt;
    return value;
}

std::optional<Canonicalization> canon_from(std::string_view text) {
    if (text == "simple")
        return Canonicalization::simple;
    if (text == "relaxed")
        return Canonicalization::relaxed;
    return std::nullopt;
}

bool fail(DkimSignature& sig, std::string why) {
    sig.m_error = std::move(why);
    return false;
}

bool parse_algorithm(DkimSignature& sig, std::string_view a) {
    sig.m_algorithm_text = std::string(a);
    if (a == "rsa-sha256") {
        sig.m_algorithm = Algorithm::rsa_sha256;
    } else if (a == "ed25519-sha256") {
        sig.m_algorithm = Algorithm::ed25519_sha256;
    } else if (a == "rsa-sha1") {
        return fail(sig, "rsa-sha1 is not valid (RFC 8301)");
    } else {
        return fail(sig, "unsupported algorithm");
    }
    return true;
}

bool parse_canon(DkimSignature& sig, const Tag* c) {
    if (c == nullptr)
        return true;
    const std::string value = strip_fws(c->m_value);
    const std::size_t slash = value.find('/');
    auto header = canon_from(value.substr(0, slash));
    auto body = slash == std::string::npos ? std::optional(Canonicalization::simple)
                                           : canon_from(value.substr(slash + 1));
    if (!header || !body)
        return fail(sig, "unsupported canonicalization");
    sig.m_header_canon = *header;
    sig.m_body_canon = *body;
    return true;
}

bool parse_hashes(DkimSignature& sig, const Tag& b, const Tag& bh) {
    auto signature = decode_base64(b.m_value);
    auto body_hash = decode_base64(bh.m_value);
    if (!signature || signature->empty())
        return fail(sig, "invalid b= value");
    if (!body_hash || body_hash->empty())
        return fail(sig, "invalid bh= value");
    sig.m_signature = std::move(*signature);
    sig.m_signature_text = strip_fws(b.m_value);
    sig.m_body_hash = std::move(*body_hash);
    return true;
}

bool parse_signed_headers(DkimSignature& sig, const Tag& h, SignatureKind kind) {
    sig.m_signed_headers = split_list(h.m_value, ':');
    for (const auto& name : sig.m_signed_headers)
        if (name.empty())
            return fail(sig, "empty name in h=");
    if (kind == SignatureKind::arc_message)
        return std::none_of(sig.m_signed_headers.begin(), sig.m_signed_headers.end(),
                            [](const auto& n) { return message::iequals(n, "arc-seal"); }) ||
               fail(sig, "h= names ARC-Seal");
    const bool has_from = std::any_of(sig.m_signed_headers.begin(), sig.m_signed_headers.end(),
                                      [](const auto& n) { return message::iequals(n, "from"); });
    return has_from || fail(sig, "From is not signed");
}

bool parse_identity(DkimSignature& sig, const Tag* i) {
    if (i == nullptr) {
        sig.m_identity = "@" + sig.m_domain;
        sig.m_identity_domain = sig.m_domain;
        return true;
    }
    sig.m_identity = i->m_value;
    const std::size_t at = sig.m_identity.rfind('@');
    if (at == std::string::npos)
        return fail(sig, "i= without '@'");
    auto domain = message::to_a_label(sig.m_identity.substr(at + 1));
    if (!domain || domain->empty())
        return fail(sig, "invalid i= domain");
    sig.m_identity_domain = std::move(*domain);
    return is_within_domain(sig.m_identity_domain, sig.m_domain) ||
           fail(sig, "i= domain is not within d=");
}

bool parse_numbers(DkimSignature& sig, const TagList& tags) {
    if (const Tag* l = tags.find("l")) {
        sig.m_body_length = parse_decimal<std::uint64_t>(l->m_value);
        if (!sig.m_body_length)
            return fail(sig, "invalid l= value");
    }
    if (const Tag* t = tags.find("t")) {
        sig.m_timestamp = parse_decimal<std::int64_t>(t->m_value);
        if (!sig.m_timestamp)
            return fail(sig, "invalid t= value");
    }
    if (const Tag* x = tags.find("x")) {
        sig.m_expiration = parse_decimal<std::int64_t>(x->m_value);
        if (!sig.m_expiration)
            return fail(sig, "invalid x= value");
    }
    if (sig.m_timestamp && sig.m_expiration && *sig.m_expiration < *sig.m_timestamp)
        return fail(sig, "x= is before t=");
    return true;
}

bool parse_query_methods(DkimSignature& sig, const Tag* q) {
    if (q == nullptr)
        return true;
    for (const auto& method : split_list(q->m_value, ':'))
        if (method == "dns/txt" || method == "dns")
            return true;
    return fail(sig, "no supported query method in q=");
}

// strip_b_value - the field with b='s value and its surrounding FWS removed (RFC 6376 3.7).
std::string strip_b_value(std::string_view raw, const Tag& b) {
    return std::string(raw.substr(0, b.m_value_begin)) + std::string(raw.substr(b.m_value_end));
}

bool parse_version(DkimSignature& sig, const TagList& tags, SignatureKind kind) {
    const Tag* v = tags.find("v");
    if (kind == SignatureKind::arc_message)
        return v == nullptr || fail(sig, "v= in an ARC-Message-Signature");
    if (v == nullptr || v->m_value != "1")
        return fail(sig, v ? "unsupported v= version" : "v= missing");
    return true;
}

bool parse_tags(DkimSignature& sig, std::string_view raw, const TagList& tags, SignatureKind kind) {
    if (!parse_version(sig, tags, kind))
        return false;
    const Tag *a = tags.find("a"), *b = tags.find("b"), *bh = tags.find("bh");
    const Tag *d = tags.find("d"), *h = tags.find("h"), *s = tags.find("s");
    if (!a || !b || !bh || !d || !h || !s)
        return fail(sig, "required tag missing");
    if (!parse_algorithm(sig, a->m_value) || !parse_canon(sig, tags.find("c")) ||
        !parse_hashes(sig, *b, *bh) || !parse_signed_headers(sig, *h, kind))
        return false;
    auto domain = message::to_a_label(d->m_value);
    if (!domain || domain->empty())
        return fail(sig, "invalid d= value");
    sig.m_domain = std::move(*domain);
    sig.m_selector = message::to_lower_ascii(strip_fws(s->m_value));
    if (sig.m_selector.empty())
        return fail(sig, "empty s= value");
    const Tag* identity = kind == SignatureKind::dkim ? tags.find("i") : nullptr;
    if (!parse_identity(sig, identity) || !parse_numbers(sig, tags) ||
        !parse_query_methods(sig, tags.find("q")))
        return false;
    sig.m_raw_without_b = strip_b_value(raw, *b);
    return true;
}

}  // namespace

bool is_within_domain(std::string_view sub, std::string_view domain) noexcept {
    if (message::iequals(sub, domain))
        return true;
    return sub.size() > domain.size() && sub[sub.size() - domain.size() - 1] == '.' &&
           message::iequals(sub.substr(sub.size() - domain.size()), domain);
}

DkimSignature parse_dkim_signature(std::string_view raw_value, SignatureKind kind) {
    DkimSignature sig;
    const TagList tags = parse_tag_list(raw_value);
    if (!tags.m_ok) {
        sig.m_error = "syntax error: " + tags.m_error;
        return sig;
    }
    // Keep d=, s= and a= for the report even when a later check fails.
    if (const Tag* d = tags.find("d"))
        sig.m_domain = message::to_lower_ascii(d->m_value);
    if (const Tag* s = tags.find("s"))
        sig.m_selector = s->m_value;
    if (const Tag* a = tags.find("a"))
        sig.m_algorithm_text = a->m_value;
    sig.m_ok = parse_tags(sig, raw_value, tags, kind);
    return sig;
}

}  // namespace enma::dkim
