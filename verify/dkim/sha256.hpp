// sha256.hpp - SHA-256 fetched from OpenSSL's default provider once per process.
//
// OpenSSL 3 resolves the legacy EVP_sha256() to a provider implementation on every
// EVP_DigestInit / EVP_DigestVerifyInit (EVP_MD_fetch: a name lookup under a lock). A message
// needs SHA-256 once per body hash and once per signature; fetching it once saves that work.
#pragma once

#include <openssl/evp.h>

namespace enma::dkim {

// sha256 - the fetched digest, never freed (it lives as long as OpenSSL); falls back to
// EVP_sha256() if the fetch fails, so callers never see nullptr.
const EVP_MD* sha256();

}  // namespace enma::dkim
