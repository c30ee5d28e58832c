// adsp_check.cpp - the ADSP lookup procedure of RFC 5617 4.3 and the results of 5.4.
#include "verify/adsp/adsp_check.hpp"

#include <tuple>

#include "coro/when_all.hpp"
#include "verify/message/header_field.hpp"

namespace enma::adsp {

namespace {

AdspOutput result(AdspResult code, std::string reason) {
    AdspOutput output;
    output.m_result = code;
    output.m_reason = std::move(reason);
    return output;
}

std::string failure_reason(std::string_view what, const resolver::Answer& answer) {
    std::string reason(what);
    reason += " lookup failed: ";
    reason += answer.m_security == resolver::Security::bogus ? "DNSSEC bogus"
                                                             : resolver::to_string(answer.m_status);
    return reason;
}

// no_record - stands in for the ADSP query when its name cannot exist (too long).
coro::Task<resolver::Answer> no_record() {
    co_return resolver::Answer::failure(resolver::DnsStatus::nxdomain);
}

// from_record - the result a single valid record gives a message without an author signature.
AdspOutput from_record(const AdspRecord& record, resolver::Security security) {
    AdspOutput output;
    output.m_policy = record.m_practice;
    output.m_security = security;
    switch (record.m_practice) {
        case AdspPractice::all:
            output.m_result = AdspResult::fail;
            break;
        case AdspPractice::discardable:
            output.m_result = AdspResult::discard;
            break;
        case AdspPractice::unknown:
            output.m_result = AdspResult::unknown;
            break;
    }
    output.m_reason =
        "no valid author domain signature; dkim=" + std::string(to_string(record.m_practice));
    return output;
}

// from_answers - steps 3 and 4 of the procedure in adsp_check.hpp.
AdspOutput from_answers(const resolver::Answer& scope, const resolver::Answer& adsp) {
    if (scope.m_status == resolver::DnsStatus::nxdomain)
        return result(AdspResult::nxdomain, "author domain does not exist");
    if (scope.is_temporary())
        return result(AdspResult::temperror, failure_reason("author domain", scope));
    if (adsp.is_temporary())
        return result(AdspResult::temperror, failure_reason("ADSP record", adsp));
    const auto records = adsp.texts();
    if (!adsp.has_data() || records.empty())
        return result(AdspResult::none, "no ADSP record");
    if (records.size() > 1)
        return result(AdspResult::permerror, "multiple ADSP records");
    const AdspRecord record = parse_adsp_record(records.front());
    if (!record.m_ok)
        return result(AdspResult::none, "malformed ADSP record ignored: " + record.m_error);
    return from_record(record, adsp.m_security);
}

}  // namespace

std::string adsp_query_name(std::string_view author_domain) {
    return "_adsp._domainkey." + std::string(author_domain);
}

bool has_author_domain_signature(const std::vector<dkim::DkimResult>& dkim,
                                 std::string_view author_domain) {
    for (const auto& signature : dkim)
        if (signature.m_code == dkim::DkimResultCode::pass && !signature.m_domain.empty() &&
            message::iequals(signature.m_domain, author_domain))
            return true;
    return false;
}

coro::Task<AdspOutput> check_adsp(resolver::Resolver& resolver, AdspInput input,
                                  coro::CancelToken token) {
    if (has_author_domain_signature(input.m_dkim, input.m_author_domain))
        co_return result(AdspResult::pass, "");
    if (input.m_author_domain.empty() || !resolver::is_valid_query_name(input.m_author_domain))
        co_return result(AdspResult::permerror, "invalid author domain");
    std::string name = adsp_query_name(input.m_author_domain);
    auto scope_lookup = resolver.query(input.m_author_domain, resolver::RrType::mx, token);
    auto adsp_lookup = resolver::is_valid_query_name(name)
                           ? resolver.query(std::move(name), resolver::RrType::txt, token)
                           : no_record();
    auto answers = co_await coro::when_all(std::move(scope_lookup), std::move(adsp_lookup));
    co_return from_answers(std::get<0>(answers), std::get<1>(answers));
}

}  // namespace enma::adsp
