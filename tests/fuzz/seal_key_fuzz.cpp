// seal_key_fuzz.cpp - the ARC sealing key reader (arc.seal_key_file) on arbitrary bytes: a key
// it accepts is RSA of an allowed size and signs what its own public half verifies.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "verify/dkim/public_key.hpp"
#include "verify/dkim/signing_key.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::string error;
    const auto key = enma::dkim::SigningKey::from_pem(input, error);
    if (key.has_value() == !error.empty())
        std::abort();
    if (!key)
        return 0;
    if (key->bits() < enma::dkim::SigningKey::kMinBits ||
        key->bits() > enma::dkim::SigningKey::kMaxBits)
        std::abort();
    const auto signature = key->sign("header data");
    const auto public_key = enma::dkim::PublicKey::load("rsa", key->public_key_der());
    if (!signature || !public_key ||
        !public_key->verify(enma::dkim::Algorithm::rsa_sha256, "header data", *signature))
        std::abort();
    return 0;
}
