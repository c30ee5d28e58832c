// arc_step.cpp - ARC's lookups, validation, A-R resinfo and DMARC override in a message's flow.
#include "verify/pipeline/arc_step.hpp"

#include <fmt/format.h>

#include "verify/pipeline/dmarc_step.hpp"
#include "verify/pipeline/dnssec_word.hpp"

namespace enma::pipeline {

namespace {

coro::Task<void> run_arc_key_lookup(std::shared_ptr<MessageState> state, std::size_t index,
                                    std::string selector, std::string domain) {
    auto key = co_await dkim::fetch_key(state->m_arc_tally, std::move(selector), std::move(domain));
    state->m_arc_keys.insert_or_assign(index, std::move(key));
}

}  // namespace

std::unique_ptr<arc::ArcVerifier> make_arc_verifier(const AuthSettings& settings) {
    if (!settings.m_arc.m_enabled)
        return nullptr;
    return std::make_unique<arc::ArcVerifier>(
        arc::ArcOptions{settings.m_arc.m_limits, settings.m_dkim_options});
}

void start_arc_lookups(const std::shared_ptr<MessageState>& state,
                       std::vector<coro::Task<void>>& tasks) {
    state->m_arc->end_of_headers(state->m_dkim.get());
    for (auto& request : state->m_arc->take_key_requests())
        tasks.push_back(run_arc_key_lookup(state, request.m_index, std::move(request.m_selector),
                                           std::move(request.m_domain)));
}

ArcVerdict finish_arc(MessageState& state) {
    for (auto& [index, key] : state.m_arc_keys)
        state.m_arc->set_key(index, std::move(key));
    ArcVerdict verdict;
    verdict.m_output =
        state.m_arc->finish(state.m_dkim ? state.m_dkim->headers() : state.m_arc_headers);
    verdict.m_looked_up = state.m_arc_tally.counted();
    verdict.m_security = state.m_arc_tally.security();
    return verdict;
}

verify::AuthResult arc_auth_result(const ArcVerdict& verdict, const resolver::IpAddress& client) {
    const arc::ArcOutput& out = verdict.m_output;
    verify::AuthResult result;
    result.m_method = "arc";
    result.m_result = std::string(arc::to_string(out.m_result));
    result.m_reason = out.m_reason;
    if (out.m_result == arc::ArcResult::none)
        return result;
    std::string comment;
    if (out.m_instances > 0)
        comment = fmt::format("i={} as.{}.d={} cv={}", out.m_instances, out.m_instances,
                              out.m_seal_domain, arc::to_string(out.m_newest_cv));
    result.m_comment = join_comment(comment, dnssec_comment(verdict.m_security));
    if (verdict.m_looked_up)
        result.m_dnssec = std::string(dnssec_field(verdict.m_security));
    if (out.m_result == arc::ArcResult::pass && out.m_oldest_pass > 0)
        result.m_properties.push_back({"header", "oldest-pass", std::to_string(out.m_oldest_pass)});
    result.m_properties.push_back({"smtp", "remote-ip", client.to_string()});
    return result;
}

void apply_arc_override(ArcVerdict& arc, DmarcVerdict& dmarc, const MessageState& state,
                        const AuthSettings& settings) {
    const auto& out = dmarc.m_output;
    if (out.m_result != dmarc::DmarcResult::fail || out.m_disposition == dmarc::Policy::none ||
        !state.m_arc)
        return;
    auto endorsement = arc::find_endorsement(state.m_arc->chain(), arc.m_output,
                                             out.m_author_domain, settings.m_arc.m_trusted_sealers);
    if (!endorsement)
        return;
    dmarc.m_action = Action::none;
    dmarc.m_applied = dmarc::Policy::none;
    // local_policy with an "arc=pass ..." comment: RFC 8617 7.2.2's own example of the report.
    dmarc.m_override = "local_policy";
    dmarc.m_override_comment = fmt::format("arc=pass as.{}.d={} {}=pass", endorsement->m_instance,
                                           endorsement->m_sealer, endorsement->m_method);
    arc.m_override = std::move(endorsement);
}

}  // namespace enma::pipeline
