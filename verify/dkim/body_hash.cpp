// body_hash.cpp - SHA-256 over the canonical body, incrementally.
#include "verify/dkim/body_hash.hpp"

#include <utility>

#include "verify/dkim/sha256.hpp"

namespace enma::dkim {

BodyHash::BodyHash(message::Canonicalization canon, std::optional<std::uint64_t> limit)
    : m_canon(canon),
      m_limit(limit),
      m_ctx(EVP_MD_CTX_new()),
      m_canonicalizer(
          canon,
          [this](std::string_view bytes) {
              if (m_ctx)
                  EVP_DigestUpdate(m_ctx.get(), bytes.data(), bytes.size());
          },
          limit) {
    if (m_ctx && EVP_DigestInit_ex(m_ctx.get(), sha256(), nullptr) != 1)
        m_ctx.reset();
}

void BodyHash::finish() {
    if (std::exchange(m_finished, true))
        return;
    m_canonicalizer.finish();
    if (!m_ctx)
        return;  // allocation failed: the empty digest never matches bh=
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_DigestFinal_ex(m_ctx.get(), digest, &size) == 1)
        m_digest.assign(reinterpret_cast<const char*>(digest), size);
}

}  // namespace enma::dkim
