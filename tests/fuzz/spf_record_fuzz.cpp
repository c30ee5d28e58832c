// spf_record_fuzz.cpp - SPF / Sender ID record parsing and macro expansion on arbitrary bytes.
//
// Invariants checked: nothing crashes; every string the syntax check accepts expands; an
// expanded domain name fits in 253 octets unless it is a single over-long label.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "resolver/ip_address.hpp"
#include "verify/sidf/pra.hpp"
#include "verify/sidf/sidf_record.hpp"
#include "verify/spf/spf_macro.hpp"
#include "verify/spf/spf_record.hpp"

namespace {

void check_expansion(std::string_view text, const enma::spf::MacroContext& context) {
    using enma::spf::MacroUse;
    for (auto use : {MacroUse::domain_spec, MacroUse::explanation, MacroUse::modifier_value}) {
        const bool valid = enma::spf::is_valid_macro_string(text, use);
        const auto expanded = enma::spf::expand_macros(text, context, use);
        if (valid != expanded.has_value())
            std::abort();
    }
    if (enma::spf::is_valid_domain_spec(text)) {
        const auto name = enma::spf::expand_domain_spec(text, context);
        if (!name)
            std::abort();
        if (name->size() > 253 && name->find('.') != std::string::npos)
            std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    (void)enma::spf::parse_record(input);
    (void)enma::spf::parse_record("v=spf1 " + std::string(input));
    if (const auto version = enma::sidf::parse_version(input))
        (void)enma::spf::parse_terms(input.substr(version->m_terms_at));
    (void)enma::sidf::parse_single_mailbox(input);

    static const auto v4 = *enma::resolver::IpAddress::parse("192.0.2.3");
    static const auto v6 = *enma::resolver::IpAddress::parse("2001:db8::cb01");
    enma::spf::MacroContext context;
    context.m_local = input.substr(0, input.size() / 2);
    context.m_sender_domain = "email.example.com";
    context.m_domain = input.substr(input.size() / 2);
    context.m_helo = input;
    context.m_ip = size % 2 ? &v4 : &v6;
    check_expansion(input, context);
    return 0;
}
