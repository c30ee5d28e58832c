// arc_signature_check.cpp - DKIM's key checks applied to an ARC signature.
#include "verify/arc/arc_signature_check.hpp"

#include <optional>

#include "verify/dkim/public_key.hpp"
#include "verify/dkim/public_key_cache.hpp"

namespace enma::arc {

namespace {

SignatureCheck outcome(CheckCode code, std::string reason, unsigned bits = 0) {
    return {code, std::move(reason), bits};
}

std::optional<std::string> key_problem(const dkim::DkimKey& key, dkim::Algorithm algorithm) {
    if (!key.m_ok)
        return key.m_error;
    if (key.m_revoked)
        return "key revoked";
    if (key.m_key_type != (algorithm == dkim::Algorithm::rsa_sha256 ? "rsa" : "ed25519"))
        return "key type does not match a=";
    if (!key.allows_hash("sha256"))
        return "key h= does not allow sha256";
    if (!key.allows_email())
        return "key s= does not allow email";
    return std::nullopt;
}

}  // namespace

SignatureCheck check_signature(const dkim::KeyLookupResult* lookup, dkim::Algorithm algorithm,
                               std::string_view header_data, std::string_view signature,
                               const dkim::DkimOptions& options) {
    if (lookup == nullptr)
        return outcome(CheckCode::temperror, "key not available");
    if (lookup->m_status != dkim::KeyLookupStatus::found)
        return outcome(lookup->m_status == dkim::KeyLookupStatus::temperror ? CheckCode::temperror
                                                                            : CheckCode::permerror,
                       lookup->m_reason);
    const dkim::DkimKey key = dkim::select_key(lookup->m_records);
    if (auto problem = key_problem(key, algorithm))
        return outcome(CheckCode::permerror, std::move(*problem));
    auto public_key = options.m_key_cache
                          ? options.m_key_cache->load(key.m_key_type, key.m_public_key)
                          : dkim::PublicKey::load(key.m_key_type, key.m_public_key);
    if (!public_key)
        return outcome(CheckCode::permerror, "invalid public key");
    const unsigned bits = public_key->bits();
    if (key.m_key_type == "rsa" && bits < options.m_minimum_key_bits)
        return outcome(CheckCode::permerror, "key too short", bits);
    if (auto problem = public_key->rsa_problem())
        return outcome(CheckCode::permerror, std::move(*problem), bits);
    if (!public_key->verify(algorithm, header_data, signature))
        return outcome(CheckCode::fail, "signature mismatch", bits);
    return outcome(CheckCode::pass, "", bits);
}

}  // namespace enma::arc
