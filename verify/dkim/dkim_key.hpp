// dkim_key.hpp - a parsed DKIM key record (RFC 6376 3.6.1, RFC 8463 4).
//
// Invariants of a key with m_ok == true: k= is rsa or ed25519; p= decoded (empty means
// revoked, reported by the verifier as "key revoked"); v=, if present, was first and DKIM1.
// Whether the key suits a given signature (k= vs a=, h=, s=, t=s) is the verifier's check.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace enma::dkim {

struct DkimKey {
    bool m_ok = false;
    std::string m_error;

    std::string m_key_type = "rsa";            // k=
    std::vector<std::string> m_hashes;         // h=; empty: any hash
    std::vector<std::string> m_services;       // s=; empty: "*"
    bool m_testing = false;                    // t=y
    bool m_strict = false;                     // t=s: i= must not be a subdomain of d=
    std::optional<std::string> m_granularity;  // g= (RFC 4871 only)
    std::string m_public_key;                  // p= decoded
    bool m_revoked = false;                    // p= empty

    bool allows_hash(std::string_view hash) const;
    bool allows_email() const;
};

DkimKey parse_dkim_key(std::string_view record);

}  // namespace enma::dkim
