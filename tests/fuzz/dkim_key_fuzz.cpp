// dkim_key_fuzz.cpp - key records, record choice and public-key loading on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "verify/dkim/dkim_key.hpp"
#include "verify/dkim/key_lookup.hpp"
#include "verify/dkim/public_key.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto key = enma::dkim::parse_dkim_key(input);
    if (key.m_ok != key.m_error.empty())
        std::abort();
    if (key.m_ok && key.m_revoked != key.m_public_key.empty())
        std::abort();
    const auto chosen = enma::dkim::select_key({std::string(input), "v=DKIM1; p="});
    if (!chosen.m_ok)
        std::abort();  // the second record always parses
    for (const char* type : {"rsa", "ed25519"}) {
        auto loaded = enma::dkim::PublicKey::load(type, key.m_ok ? key.m_public_key : input);
        if (loaded && loaded->bits() == 0)
            std::abort();
    }
    return 0;
}
