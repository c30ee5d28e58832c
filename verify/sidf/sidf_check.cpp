// sidf_check.cpp - Sender ID over the SPF evaluator.
#include "verify/sidf/sidf_check.hpp"

#include <ctime>

#include "verify/spf/spf_check_host.hpp"

namespace enma::sidf {

namespace {

spf::CheckHostRequest base_request(const SidfInput& input) {
    spf::SpfInput spf_input;
    spf_input.m_ip = input.m_ip;
    spf_input.m_mail_from = input.m_mail_from;
    spf_input.m_helo = input.m_helo;
    spf_input.m_receiver = input.m_receiver;
    spf_input.m_clock = input.m_clock;
    return spf::make_request(spf_input);
}

SidfOutput from_spf_output(const spf::SpfOutput& spf, SidfScope scope) {
    SidfOutput output;
    output.m_result = from_spf(spf.m_result);
    output.m_scope = scope;
    output.m_identity = spf.m_sender;
    output.m_reason = spf.m_reason;
    output.m_mechanism = spf.m_mechanism;
    output.m_explanation = spf.m_explanation;
    output.m_dns_terms = spf.m_dns_terms;
    output.m_void_lookups = spf.m_void_lookups;
    if (output.m_result == SidfResult::fail)
        output.m_fail_reason = spf.m_domain_nonexistent ? SidfFailReason::domain_does_not_exist
                                                        : SidfFailReason::not_permitted;
    return output;
}

}  // namespace

coro::Task<SidfOutput> check_sender_id(resolver::Resolver& resolver, const SidfInput& input,
                                       spf::SpfLimits& limits) {
    spf::CheckHostRequest request = base_request(input);
    std::string header;
    if (input.m_scope == SidfScope::mfrom) {
        request.m_selector = &select_mfrom;
    } else {
        const Pra pra = find_pra(input.m_headers);
        if (!pra.m_mailbox) {
            SidfOutput output;
            output.m_result = SidfResult::permerror;
            output.m_header = pra.m_header;
            output.m_reason = "no Purported Responsible Address: " + pra.m_reason;
            co_return output;
        }
        request.m_local = pra.m_mailbox->m_local;
        request.m_sender_domain = request.m_domain = pra.m_mailbox->m_domain;
        request.m_selector = &select_pra;
        request.m_nxdomain_is_fail = true;
        header = pra.m_header;
    }
    const spf::SpfOutput spf = co_await spf::check_host(resolver, request, limits);
    SidfOutput output = from_spf_output(spf, input.m_scope);
    output.m_header = std::move(header);
    co_return output;
}

}  // namespace enma::sidf
