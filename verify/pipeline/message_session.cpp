// message_session.cpp - starting each method's lookups at the right SMTP step, and the verdict.
#include "verify/pipeline/message_session.hpp"

#include "verify/message/header_field.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>
#include <optional>

#include "coro/task_group.hpp"
#include "resolver/query_budget.hpp"
#include "verify/adsp/adsp_check.hpp"
#include "verify/authres/authserv_id.hpp"
#include "verify/dkim/dkim_verifier.hpp"
#include "verify/dkim/key_lookup.hpp"
#include "verify/message/address.hpp"
#include "verify/sidf/sidf_check.hpp"
#include "verify/spf/spf_check_host.hpp"

namespace enma::pipeline {

// State - what the lookups write; shared with every task so an abort cannot free it early.
struct MessageState {
    MessageState(coro::Scheduler& scheduler, std::shared_ptr<resolver::Resolver> shared,
                 std::size_t max_queries)
        : m_shared(std::move(shared)),
          m_budget(max_queries),
          m_group(coro::TaskGroup::create(scheduler)),
          m_resolver(*m_shared, m_budget, m_group->token()) {}

    std::shared_ptr<resolver::Resolver> m_shared;
    resolver::QueryBudget m_budget;
    std::shared_ptr<coro::TaskGroup> m_group;
    resolver::ScopedResolver m_resolver;
    // Written on the loop thread, read by the message's thread after m_group->wait().
    std::optional<spf::SpfOutput> m_spf;
    std::optional<sidf::SidfOutput> m_sidf;
    std::map<std::size_t, dkim::KeyLookupResult> m_keys;
    // Kept by the message's thread for Sender ID's PRA.
    std::vector<sidf::HeaderField> m_pra_headers;
    std::unique_ptr<dkim::DkimVerifier> m_dkim;
    // The DKIM verdicts, kept for ADSP; m_adsp is written by the second round of lookups.
    std::vector<dkim::DkimResult> m_dkim_results;
    std::optional<adsp::AdspOutput> m_adsp;
};

namespace {

// is_pra_field - the fields RFC 4407 looks at (Received and Return-Path only for ordering).
bool is_pra_field(std::string_view name) {
    for (std::string_view field :
         {"from", "sender", "resent-from", "resent-sender", "received", "return-path"})
        if (message::iequals(name, field))
            return true;
    return false;
}

std::string trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(first, last - first + 1));
}

coro::Task<void> run_spf(std::shared_ptr<MessageState> state, spf::SpfInput input, bool prefetch) {
    spf::SpfLimits limits;
    limits.m_prefetch = prefetch;
    auto output = co_await spf::check_host(state->m_resolver, input, limits);
    state->m_spf = std::move(output);
}

coro::Task<void> run_sidf(std::shared_ptr<MessageState> state, sidf::SidfInput input,
                          bool prefetch) {
    spf::SpfLimits limits;
    limits.m_prefetch = prefetch;
    auto output = co_await sidf::check_sender_id(state->m_resolver, input, limits);
    state->m_sidf = std::move(output);
}

coro::Task<void> run_key_lookup(std::shared_ptr<MessageState> state, std::size_t index,
                                std::string selector, std::string domain) {
    auto key = co_await dkim::fetch_key(state->m_resolver, std::move(selector), std::move(domain));
    state->m_keys.insert_or_assign(index, std::move(key));
}

coro::Task<void> run_adsp(std::shared_ptr<MessageState> state, adsp::AdspInput input) {
    auto output = co_await adsp::check_adsp(state->m_resolver, std::move(input));
    state->m_adsp = std::move(output);
}

// Author - the From field's author domain and first address, or why there is none.
struct Author {
    std::string m_domain;
    std::string m_address;
    std::string m_error;
};

Author find_author(const std::vector<sidf::HeaderField>& headers) {
    Author author;
    const std::string* from = nullptr;
    for (const auto& [name, value] : headers) {
        if (!message::iequals(name, "From"))
            continue;
        if (from) {
            author.m_error = "multiple From fields";
            return author;
        }
        from = &value;
    }
    if (!from) {
        author.m_error = "no From field";
        return author;
    }
    const auto domain = message::author_domain(*from);
    if (!domain.m_ok) {
        author.m_error = "From: " + domain.m_error;
        return author;
    }
    author.m_domain = domain.m_domain;
    author.m_address = message::parse_address_list(*from).m_mailboxes.front().address();
    return author;
}

std::string_view security_word(resolver::Security security) {
    switch (security) {
        case resolver::Security::secure:
            return "DNSSEC secure";
        case resolver::Security::bogus:
            return "DNSSEC bogus";
        case resolver::Security::insecure:
            return "DNSSEC insecure";
        case resolver::Security::unchecked:
            break;
    }
    return "";
}

}  // namespace

MessageSession::MessageSession(coro::Scheduler& scheduler,
                               std::shared_ptr<resolver::Resolver> resolver,
                               std::shared_ptr<const AuthSettings> settings,
                               ConnectionInfo connection)
    : m_scheduler(scheduler),
      m_settings(std::move(settings)),
      m_connection(std::move(connection)),
      m_state(std::make_shared<MessageState>(scheduler, std::move(resolver),
                                             m_settings->m_max_queries)) {
    if (m_settings->m_dkim)
        m_state->m_dkim =
            std::make_unique<dkim::DkimVerifier>(m_settings->m_dkim_options, std::time(nullptr));
}

MessageSession::~MessageSession() {
    if (!m_finished)
        abort();
}

void MessageSession::mail_from(std::string_view address) {
    m_mail_from = trim(address);
    if (m_mail_from.size() >= 2 && m_mail_from.front() == '<' && m_mail_from.back() == '>')
        m_mail_from = m_mail_from.substr(1, m_mail_from.size() - 2);
    if (!m_settings->m_spf)
        return;
    if (m_connection.m_authenticated && m_settings->m_skip_authenticated)
        return;
    spf::SpfInput input;
    input.m_ip = m_connection.m_ip;
    input.m_mail_from = m_mail_from;
    input.m_helo = m_connection.m_helo;
    input.m_receiver = m_settings->m_receiver;
    m_state->m_group->start(run_spf(m_state, std::move(input), m_settings->m_spf_prefetch));
}

// header - forged A-R fields are noted whatever the size of the header, or a sender could
// hide one behind megabytes of padding; only what is kept for verification is bounded.
void MessageSession::header(std::string_view name, std::string_view value) {
    if (message::iequals(name, "Authentication-Results")) {
        ++m_ar_fields;
        if (verify::is_own_authserv_id(value, m_settings->m_authserv_id))
            m_forged.push_back(m_ar_fields);
    }
    m_header_bytes += name.size() + value.size();
    if (m_header_bytes > m_settings->m_max_header_bytes)
        return;
    if (is_pra_field(name))
        m_state->m_pra_headers.emplace_back(std::string(name), trim(value));
    if (m_state->m_dkim)
        m_state->m_dkim->add_header(name, value);
}

// end_of_headers - the key lookups (one per signature) and Sender ID start together, with one
// hand-off to the scheduler. Starting a key lookup at its own header would gain only the time
// the rest of the header takes to arrive, which an MTA sends in one burst, and would cost
// a wake-up of the loop thread per signature.
void MessageSession::end_of_headers() {
    if (m_headers_ended)
        return;
    m_headers_ended = true;
    std::vector<coro::Task<void>> tasks;
    if (m_state->m_dkim) {
        m_state->m_dkim->end_of_headers();
        for (auto& request : m_state->m_dkim->take_key_requests())
            tasks.push_back(run_key_lookup(m_state, request.m_index, std::move(request.m_selector),
                                           std::move(request.m_domain)));
    }
    if (m_settings->m_sidf && !(m_connection.m_authenticated && m_settings->m_skip_authenticated)) {
        sidf::SidfInput input;
        input.m_ip = m_connection.m_ip;
        input.m_scope = sidf::SidfScope::pra;
        input.m_helo = m_connection.m_helo;
        input.m_headers = m_state->m_pra_headers;
        input.m_receiver = m_settings->m_receiver;
        tasks.push_back(run_sidf(m_state, std::move(input), m_settings->m_spf_prefetch));
    }
    m_state->m_group->start(std::move(tasks));
}

void MessageSession::body(std::string_view chunk) {
    if (m_state->m_dkim)
        m_state->m_dkim->add_body(chunk);
}

Verdict MessageSession::end_of_message() {
    Verdict verdict;
    const auto started = std::chrono::steady_clock::now();
    end_of_headers();  // an MTA that skipped EOH still gets its lookups
    m_state->m_group->cancel_after(m_settings->m_deadline);
    m_state->m_group->wait();
    m_finished = true;
    verdict.m_deadline_expired = m_state->m_group->expired();
    add_spf_result(verdict);
    add_sidf_result(verdict);
    add_dkim_results(verdict);
    add_adsp_result(verdict, started);
    verdict.m_header_value =
        verify::render_auth_results(m_settings->m_authserv_id, verdict.m_results);
    verdict.m_forged_indices.assign(m_forged.rbegin(), m_forged.rend());
    for (const auto& [name, value] : m_state->m_pra_headers)
        if (message::iequals(name, "From")) {
            verdict.m_header_from = value;
            break;
        }
    verdict.m_queries = m_state->m_budget.used();
    verdict.m_queries_refused = m_state->m_budget.refused();
    verdict.m_dns = m_state->m_resolver.stats();
    verdict.m_eom_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    return verdict;
}

void MessageSession::abort() {
    m_finished = true;
    m_state->m_group->cancel();
}

void MessageSession::add_spf_result(Verdict& verdict) const {
    if (!m_state->m_spf)
        return;
    const auto& spf = *m_state->m_spf;
    verify::AuthResult result;
    result.m_method = "spf";
    result.m_result = std::string(to_string(spf.m_result));
    if (spf.m_result == spf::SpfResult::fail && m_settings->m_spf_hardfail)
        result.m_result = "hardfail";
    if (spf.m_result != spf::SpfResult::pass)
        result.m_reason = spf.m_reason;
    result.m_properties.push_back({"smtp", "mailfrom", spf.m_sender});
    if (m_settings->m_spf_explog)
        verdict.m_spf_explanation = spf.m_explanation;
    if (!m_connection.m_helo.empty())
        result.m_properties.push_back({"smtp", "helo", m_connection.m_helo});
    verdict.m_results.push_back(std::move(result));
}

void MessageSession::add_sidf_result(Verdict& verdict) const {
    if (!m_state->m_sidf)
        return;
    const auto& sidf = *m_state->m_sidf;
    verify::AuthResult result;
    result.m_method = "sender-id";
    result.m_result = std::string(m_settings->m_spf_hardfail ? to_rfc5451_string(sidf.m_result)
                                                             : to_string(sidf.m_result));
    if (sidf.m_result != sidf::SidfResult::pass)
        result.m_reason = sidf.m_reason;
    if (m_settings->m_sidf_explog)
        verdict.m_sidf_explanation = sidf.m_explanation;
    if (!sidf.m_identity.empty())
        result.m_properties.push_back(
            {"header", sidf.m_header.empty() ? "From" : sidf.m_header, sidf.m_identity});
    verdict.m_results.push_back(std::move(result));
}

void MessageSession::add_dkim_results(Verdict& verdict) {
    if (!m_state->m_dkim)
        return;
    for (auto& [index, key] : m_state->m_keys)
        m_state->m_dkim->set_key(index, std::move(key));
    const auto signatures = m_state->m_dkim->finish();
    m_state->m_dkim_results = signatures;
    if (signatures.empty()) {
        verdict.m_results.push_back({"dkim", "none", "", "", {}});
        return;
    }
    for (const auto& signature : signatures) {
        verify::AuthResult result;
        result.m_method = "dkim";
        result.m_result = std::string(to_string(signature.m_code));
        std::string comment;
        if (signature.m_key_bits)
            comment = std::to_string(signature.m_key_bits) + "-bit key";
        const auto security = security_word(signature.m_key_security);
        if (!security.empty())
            comment += (comment.empty() ? "" : "; ") + std::string(security);
        if (signature.m_key_testing)
            comment += (comment.empty() ? "" : "; ") + std::string("test mode");
        result.m_comment = comment;
        result.m_reason = signature.m_reason;
        result.m_properties = {{"header", "d", signature.m_domain},
                               {"header", "i", signature.m_identity},
                               {"header", "s", signature.m_selector},
                               {"header", "a", signature.m_algorithm},
                               {"header", "b", signature.m_header_b}};
        verdict.m_results.push_back(std::move(result));
    }
}

// add_adsp_result - RFC 5617 needs the DKIM verdicts, so its lookups are a second round on
// the same group, under what is left of the message's deadline (none left: they are
// cancelled at once and end as temperror).
void MessageSession::add_adsp_result(Verdict& verdict,
                                     std::chrono::steady_clock::time_point started) {
    if (!m_settings->m_adsp)
        return;
    const Author author = find_author(m_state->m_pra_headers);
    verify::AuthResult result{"dkim-adsp", "permerror", "", author.m_error, {}};
    if (author.m_error.empty()) {
        m_state->m_group->start(run_adsp(m_state, {author.m_domain, m_state->m_dkim_results}));
        const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - started);
        m_state->m_group->cancel_after(
            std::max(m_settings->m_deadline - elapsed, std::chrono::milliseconds(0)));
        m_state->m_group->wait();
        verdict.m_deadline_expired = m_state->m_group->expired();
        const auto output = m_state->m_adsp.value_or(
            adsp::AdspOutput{adsp::AdspResult::temperror, "ADSP lookup did not finish", {}, {}});
        result.m_result = std::string(to_string(output.m_result));
        result.m_reason = output.m_reason;
        result.m_properties.push_back({"header", "from", author.m_address});
    }
    verdict.m_results.push_back(std::move(result));
}

}  // namespace enma::pipeline
