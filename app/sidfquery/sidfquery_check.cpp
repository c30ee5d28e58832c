// sidfquery_check.cpp - SPF and Sender ID inputs built from the command line.
#include "app/sidfquery/sidfquery_check.hpp"

#include "verify/sidf/sidf_check.hpp"
#include "verify/spf/spf_check_host.hpp"

namespace enma::app {

namespace {

spf::SpfLimits limits_for(const CheckSettings& settings) {
    spf::SpfLimits limits;
    limits.m_prefetch = settings.m_prefetch;
    return limits;
}

coro::Task<CheckReport> check_spf(resolver::Resolver& resolver, const SidfqueryOptions& options,
                                  const CheckSettings& settings, resolver::IpAddress ip) {
    spf::SpfInput input;
    input.m_ip = ip;
    input.m_mail_from = options.m_mailbox;
    input.m_helo = options.m_helo;
    input.m_receiver = settings.m_receiver;
    spf::SpfLimits limits = limits_for(settings);
    const spf::SpfOutput output = co_await spf::check_host(resolver, input, limits);
    co_return CheckReport{std::string(result_word(output.m_result)), output.m_sender,
                          output.m_mechanism, output.m_reason, output.m_explanation};
}

sidf::SidfInput sidf_input(const SidfqueryOptions& options, const CheckSettings& settings,
                           resolver::IpAddress ip) {
    sidf::SidfInput input;
    input.m_ip = ip;
    input.m_receiver = settings.m_receiver;
    input.m_helo = options.m_helo;
    if (options.m_mode == QueryMode::sidf_pra) {
        input.m_scope = sidf::SidfScope::pra;
        input.m_headers = {{"From", options.m_address}};
    } else {
        input.m_scope = sidf::SidfScope::mfrom;
        input.m_mail_from = options.m_mailbox;
    }
    return input;
}

coro::Task<CheckReport> check_sidf(resolver::Resolver& resolver, const SidfqueryOptions& options,
                                   const CheckSettings& settings, resolver::IpAddress ip) {
    const sidf::SidfInput input = sidf_input(options, settings, ip);
    spf::SpfLimits limits = limits_for(settings);
    const sidf::SidfOutput output = co_await sidf::check_sender_id(resolver, input, limits);
    co_return CheckReport{std::string(sidf::to_rfc5451_string(output.m_result)), output.m_identity,
                          output.m_mechanism, output.m_reason, output.m_explanation};
}

}  // namespace

coro::Task<CheckReport> check_address(resolver::Resolver& resolver, const SidfqueryOptions& options,
                                      const CheckSettings& settings, resolver::IpAddress ip) {
    if (options.m_mode == QueryMode::spf) {
        CheckReport report = co_await check_spf(resolver, options, settings, ip);
        co_return report;
    }
    CheckReport report = co_await check_sidf(resolver, options, settings, ip);
    co_return report;
}

std::string_view result_word(spf::SpfResult result) noexcept {
    return result == spf::SpfResult::fail ? "hardfail" : spf::to_string(result);
}

}  // namespace enma::app
