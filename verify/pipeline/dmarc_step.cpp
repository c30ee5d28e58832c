// dmarc_step.cpp - DMARC's lookups, evaluation and action within a message's flow.
#include "verify/pipeline/dmarc_step.hpp"

#include <algorithm>
#include <random>

#include "coro/when_all.hpp"
#include "verify/message/header_field.hpp"
#include "verify/pipeline/dnssec_word.hpp"

namespace enma::pipeline {

namespace {

constexpr int kMaxRounds = 3;  // foreseen lookups, then unforeseen walks, then np= existence

// spf_identity - the domain SPF checks for DMARC (RFC 7208 2.4: HELO for a null path).
std::pair<std::string, std::string> spf_identity(const DmarcContext& context) {
    if (context.m_mail_from.empty())
        return {message::to_lower_ascii(context.m_helo), "helo"};
    const auto at = context.m_mail_from.rfind('@');
    const auto domain =
        at == std::string_view::npos ? context.m_mail_from : context.m_mail_from.substr(at + 1);
    std::string lower = message::to_lower_ascii(domain);
    while (!lower.empty() && lower.back() == '.')
        lower.pop_back();
    return {lower, "mfrom"};
}

dmarc::DmarcInput make_input(const MessageState& state, const DmarcContext& context) {
    const auto& settings = context.m_settings.m_dmarc;
    dmarc::DmarcInput input;
    input.m_author_domain = state.m_author->m_domain;
    input.m_author_result = state.m_author->m_result;
    input.m_author_error = state.m_author->m_error;
    input.m_spf_domain = spf_identity(context).first;
    input.m_mode = settings.m_mode;
    input.m_psl = settings.m_psl.get();
    return input;
}

coro::Task<void> fetch(std::shared_ptr<MessageState> state, std::set<dmarc::Question> questions) {
    std::vector<coro::Task<resolver::Answer>> lookups;
    for (const auto& [name, type] : questions)
        lookups.push_back(state->m_resolver.query(name, type));
    auto answers = co_await coro::when_all(std::move(lookups));
    std::size_t index = 0;
    for (const auto& question : questions)
        state->m_dmarc_dns.add(question, std::move(answers[index++]));
}

// fetch_round - one more round of lookups under what is left of the deadline.
void fetch_round(const std::shared_ptr<MessageState>& state, std::set<dmarc::Question> missing,
                 std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    state->m_group->start(fetch(state, std::move(missing)));
    state->m_group->cancel_after(std::max(left, std::chrono::milliseconds(0)));
    state->m_group->wait();
}

unsigned random_sample() {
    thread_local std::minstd_rand generator{std::random_device{}()};
    return static_cast<unsigned>(generator() % 100);
}

dmarc::Policy applied_policy(Action action) {
    switch (action) {
        case Action::reject:
            return dmarc::Policy::reject;
        case Action::quarantine:
            return dmarc::Policy::quarantine;
        case Action::none:
        case Action::tempfail:
            break;
    }
    return dmarc::Policy::none;
}

bool is_exempt(const DmarcContext& context) {
    const auto& settings = context.m_settings.m_dmarc;
    if (context.m_authenticated && settings.m_exempt_authenticated)
        return true;
    return std::any_of(settings.m_exempt_addresses.begin(), settings.m_exempt_addresses.end(),
                       [&](const auto& network) { return network.contains(context.m_client); });
}

std::string with_domain(std::string text, std::string_view domain) {
    for (auto at = text.find("%d"); at != std::string::npos; at = text.find("%d", at + 1))
        text.replace(at, 2, domain.empty() ? "unknown" : domain);
    return text;
}

// decide - the configured action for the verdict, and the override a report would give.
void decide(const DmarcContext& context, DmarcVerdict& verdict) {
    const auto& settings = context.m_settings.m_dmarc;
    const auto& out = verdict.m_output;
    Action action = Action::none;
    if (out.m_result == dmarc::DmarcResult::fail)
        action = out.m_disposition == dmarc::Policy::reject       ? settings.m_on_reject
                 : out.m_disposition == dmarc::Policy::quarantine ? settings.m_on_quarantine
                                                                  : Action::none;
    else if (out.m_result == dmarc::DmarcResult::temperror)
        action = settings.m_on_temperror;
    if (action != Action::none && is_exempt(context))
        action = Action::none;
    verdict.m_action = action;
    verdict.m_applied = applied_policy(action);
    verdict.m_override = out.m_override;
    if (verdict.m_override.empty() && out.m_result == dmarc::DmarcResult::fail &&
        verdict.m_applied != out.m_disposition)
        verdict.m_override = "local_policy";
    const auto& reply =
        action == Action::tempfail ? settings.m_tempfail_reply : settings.m_reject_reply;
    verdict.m_reply = {reply.m_code, reply.m_status,
                       with_domain(reply.m_text, out.m_author_domain)};
}

}  // namespace

std::optional<coro::Task<void>> start_dmarc_lookups(
    std::shared_ptr<MessageState> state, const DmarcContext& context,
    const std::vector<std::string>& signing_domains) {
    state->m_author = dmarc::find_author(state->from_values());
    auto questions = dmarc::foreseeable_questions(make_input(*state, context), signing_domains);
    if (questions.empty())
        return std::nullopt;
    return fetch(std::move(state), std::move(questions));
}

DmarcVerdict finish_dmarc(const std::shared_ptr<MessageState>& state, const DmarcContext& context,
                          std::chrono::steady_clock::time_point deadline) {
    if (!state->m_author)
        state->m_author = dmarc::find_author(state->from_values());
    dmarc::DmarcInput input = make_input(*state, context);
    if (state->m_spf) {
        input.m_spf_checked = true;
        input.m_spf_result = state->m_spf->m_result;
    }
    input.m_dkim = state->m_dkim_results;
    input.m_sample = random_sample();
    DmarcVerdict verdict;
    std::tie(verdict.m_spf_domain, verdict.m_spf_scope) = spf_identity(context);
    auto evaluation = dmarc::evaluate_dmarc(input, state->m_dmarc_dns);
    for (int round = 0; !evaluation.m_output && round < kMaxRounds; ++round) {
        fetch_round(state, std::move(evaluation.m_missing), deadline);
        evaluation = dmarc::evaluate_dmarc(input, state->m_dmarc_dns);
    }
    if (evaluation.m_output) {
        verdict.m_output = std::move(*evaluation.m_output);
    } else {
        verdict.m_output.m_result = dmarc::DmarcResult::temperror;
        verdict.m_output.m_reason = "DMARC lookups did not finish";
        verdict.m_output.m_author_domain = input.m_author_domain;
    }
    decide(context, verdict);
    return verdict;
}

verify::AuthResult dmarc_auth_result(const DmarcVerdict& verdict) {
    const auto& out = verdict.m_output;
    verify::AuthResult result;
    result.m_method = "dmarc";
    result.m_result = std::string(dmarc::to_string(out.m_result));
    if (out.m_result != dmarc::DmarcResult::pass)
        result.m_reason = out.m_reason;
    std::string comment;
    if (out.m_record)
        comment = "p=" + std::string(dmarc::to_string(out.m_policy)) +
                  " dis=" + std::string(dmarc::to_string(verdict.m_applied));
    if (!verdict.m_override_comment.empty())
        comment = join_comment(comment,
                               "override " + verdict.m_override + " " + verdict.m_override_comment);
    result.m_comment = join_comment(comment, dnssec_comment(out.m_security));
    if (!out.m_author_domain.empty())
        result.m_properties.push_back({"header", "from", out.m_author_domain});
    if (out.m_record) {
        result.m_properties.push_back(
            {"policy", "dmarc", std::string(dmarc::to_string(out.m_disposition))});
        result.m_properties.push_back(
            {"polrec", "p", std::string(dmarc::to_string(out.m_record->m_p))});
        if (out.m_policy_domain != out.m_author_domain)
            result.m_properties.push_back({"polrec", "domain", out.m_policy_domain});
    }
    return result;
}

}  // namespace enma::pipeline
