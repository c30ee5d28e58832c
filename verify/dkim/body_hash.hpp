// body_hash.hpp - one SHA-256 body hash fed by a streaming canonicaliser (RFC 6376 3.7).
//
// Signatures with the same body canonicalisation and l= share one BodyHash, so the common
// case of several relaxed signatures hashes the body once (and an ARC seal of this hop
// borrows the relaxed, unlimited one). finish() may be called by every sharer: only the
// first call ends the body.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "verify/message/body_canonicalizer.hpp"

namespace enma::dkim {

class BodyHash {
public:
    BodyHash(message::Canonicalization canon, std::optional<std::uint64_t> limit);
    BodyHash(const BodyHash&) = delete;
    BodyHash& operator=(const BodyHash&) = delete;

    bool matches(message::Canonicalization canon, std::optional<std::uint64_t> limit) const {
        return canon == m_canon && limit == m_limit;
    }
    void add(std::string_view chunk) { m_canonicalizer.add(chunk); }
    // finish - end the body; digest() is valid afterwards. Later calls do nothing.
    void finish();
    const std::string& digest() const noexcept { return m_digest; }
    std::uint64_t hashed_length() const noexcept { return m_canonicalizer.hashed_length(); }
    std::uint64_t total_length() const noexcept { return m_canonicalizer.total_length(); }

private:
    struct CtxFree {
        void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
    };
    message::Canonicalization m_canon;
    std::optional<std::uint64_t> m_limit;
    std::unique_ptr<EVP_MD_CTX, CtxFree> m_ctx;
    message::BodyCanonicalizer m_canonicalizer;
    std::string m_digest;
    bool m_finished = false;
};

}  // namespace enma::dkim
