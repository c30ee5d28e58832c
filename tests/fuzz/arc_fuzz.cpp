// arc_fuzz.cpp - ARC set collection, the three field parsers, the AAR resinfo reader and a
// whole ArcVerifier run with keys that cannot verify: the structure a chain is given is
// always coherent, and nothing passes or crashes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "verify/arc/arc_chain.hpp"
#include "verify/arc/arc_verifier.hpp"
#include "verify/arc/trusted_sealer.hpp"
#include "verify/authres/resinfo_parse.hpp"
#include "verify/message/header_field.hpp"

namespace {

using namespace enma;

// check_form - a chain that passed collection is complete, parsed and in cv= order.
void check_form(const arc::ArcChain& chain) {
    if (chain.m_status != arc::ArcResult::pass)
        return;
    if (chain.m_sets.empty() || chain.m_sets.size() > arc::kRfcMaxInstances)
        std::abort();
    for (std::size_t k = 0; k < chain.m_sets.size(); ++k) {
        const arc::ArcSet& set = chain.m_sets[k];
        if (set.m_instance != k + 1 || !set.m_aar.m_ok || !set.m_ams.m_ok || !set.m_seal.m_ok)
            std::abort();
        const auto wanted = k == 0 ? arc::ArcResult::none : arc::ArcResult::pass;
        if (set.m_seal.m_cv != wanted)
            std::abort();
    }
}

void verify_without_keys(const message::HeaderBlock& block, std::string_view body) {
    arc::ArcVerifier verifier({});
    for (const auto& field : block.m_fields)
        verifier.add_header(field.m_name, field.m_raw_value);
    verifier.end_of_headers(nullptr);
    for (const auto& request : verifier.take_key_requests())
        verifier.set_key(request.m_index, {dkim::KeyLookupStatus::found,
                                           "",
                                           {"v=DKIM1; k=ed25519; p=" + std::string(44, 'A')},
                                           {}});
    verifier.add_body(body);
    const arc::ArcOutput out = verifier.finish(block.m_fields);
    if (out.m_result == arc::ArcResult::pass)
        std::abort();
    check_form(verifier.chain());
    for (const auto& set : verifier.chain().m_sets)
        (void)verify::parse_resinfos(set.m_aar.m_payload);
    (void)arc::find_endorsement(verifier.chain(), out, "example.com", {"example.org"});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    (void)arc::parse_arc_seal(input);
    (void)arc::parse_arc_message_signature(input);
    (void)arc::parse_arc_auth_results(input);
    const auto parsed = verify::parse_resinfos(input);
    if (parsed.m_resinfos.size() > verify::kMaxResinfos)
        std::abort();
    const message::HeaderBlock block = message::split_message(input);
    check_form(arc::collect_arc_chain(block.m_fields));
    verify_without_keys(block, input.substr(std::min(block.m_body_offset, input.size())));
    return 0;
}
