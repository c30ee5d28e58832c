// dkim_signature_fuzz.cpp - DKIM-Signature parsing, and a whole verifier run without keys:
// whatever the field says, it never passes and never crashes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "verify/dkim/dkim_signature.hpp"
#include "verify/dkim/dkim_verifier.hpp"
#include "verify/message/header_field.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto sig = enma::dkim::parse_dkim_signature(input);
    if (sig.m_ok) {
        bool from = false;
        for (const auto& name : sig.m_signed_headers)
            from |= enma::message::iequals(name, "from");
        if (!from || sig.m_signature.empty() || sig.m_body_hash.empty())
            std::abort();
        if (!enma::dkim::is_within_domain(sig.m_identity_domain, sig.m_domain))
            std::abort();
    }
    enma::dkim::DkimVerifier verifier({}, 1700000000);
    verifier.add_header("From", " a@example.com");
    verifier.add_header("DKIM-Signature", input);
    for (const auto& request : verifier.take_key_requests())
        verifier.set_key(request.m_index, {enma::dkim::KeyLookupStatus::found,
                                           "",
                                           {"v=DKIM1; k=ed25519; p=" + std::string(44, 'A')},
                                           {}});
    verifier.add_body(input);
    const auto results = verifier.finish();
    if (results.size() != 1 || results[0].m_code == enma::dkim::DkimResultCode::pass)
        std::abort();
    return 0;
}
