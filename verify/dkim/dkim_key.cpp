// dkim_key.cpp - key record tag semantics.
#include "verify/dkim/dkim_key.hpp"

#include <algorithm>

#include "verify/dkim/base64.hpp"
#include "verify/dkim/tag_list.hpp"

namespace enma::dkim {

namespace {

bool fail(DkimKey& key, std::string why) {
    key.m_error = std::move(why);
    return false;
}

bool contains(const std::vector<std::string>& list, std::string_view item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

void parse_flags(DkimKey& key, const Tag* t) {
    if (t == nullptr)
        return;
    for (const auto& flag : split_list(t->m_value, ':')) {
        if (flag == "y")
            key.m_testing = true;
        if (flag == "s")
            key.m_strict = true;  // unknown flags are ignored (3.6.1)
    }
}

bool parse_key_tags(DkimKey& key, const TagList& tags) {
    const Tag* v = tags.find("v");
    if (v != nullptr && (v != &tags.m_tags.front() || v->m_value != "DKIM1"))
        return fail(key, "unsupported key version");
    if (const Tag* k = tags.find("k"))
        key.m_key_type = strip_fws(k->m_value);
    if (key.m_key_type != "rsa" && key.m_key_type != "ed25519")
        return fail(key, "unknown key type");
    if (const Tag* h = tags.find("h"))
        key.m_hashes = split_list(h->m_value, ':');
    if (const Tag* s = tags.find("s"))
        key.m_services = split_list(s->m_value, ':');
    if (const Tag* g = tags.find("g"))
        key.m_granularity = g->m_value;
    parse_flags(key, tags.find("t"));
    const Tag* p = tags.find("p");
    if (p == nullptr)
        return fail(key, "key record without p=");
    auto bytes = decode_base64(p->m_value);
    if (!bytes)
        return fail(key, "invalid p= base64");
    key.m_revoked = bytes->empty();
    key.m_public_key = std::move(*bytes);
    return true;
}

}  // namespace

bool DkimKey::allows_hash(std::string_view hash) const {
    return m_hashes.empty() || contains(m_hashes, hash);
}

bool DkimKey::allows_email() const {
    return m_services.empty() || contains(m_services, "*") || contains(m_services, "email");
}

DkimKey parse_dkim_key(std::string_view record) {
    DkimKey key;
    const TagList tags = parse_tag_list(record);
    if (!tags.m_ok) {
        key.m_error = "key syntax error: " + tags.m_error;
        return key;
    }
    key.m_ok = parse_key_tags(key, tags);
    return key;
}

}  // namespace enma::dkim
