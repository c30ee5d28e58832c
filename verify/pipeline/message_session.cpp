// message_session.cpp - starting each method's lookups at the right SMTP step, and the verdict.
#include "verify/pipeline/message_session.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>

#include "verify/authres/authserv_id.hpp"
#include "verify/iprev/iprev_authres.hpp"
#include "verify/message/header_field.hpp"
#include "verify/pipeline/arc_step.hpp"
#include "verify/pipeline/dnssec_word.hpp"
#include "verify/pipeline/message_state.hpp"

namespace enma::pipeline {

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
    auto output = co_await spf::check_host(state->m_spf_tally, input, limits);
    state->m_spf = std::move(output);
}

coro::Task<void> run_sidf(std::shared_ptr<MessageState> state, sidf::SidfInput input,
                          bool prefetch) {
    spf::SpfLimits limits;
    limits.m_prefetch = prefetch;
    auto output = co_await sidf::check_sender_id(state->m_sidf_tally, input, limits);
    state->m_sidf = std::move(output);
}

coro::Task<void> run_key_lookup(std::shared_ptr<MessageState> state, std::size_t index,
                                std::string selector, std::string domain) {
    auto key = co_await dkim::fetch_key(state->m_resolver, std::move(selector), std::move(domain));
    state->m_keys.insert_or_assign(index, std::move(key));
}

coro::Task<void> run_iprev(std::shared_ptr<MessageState> state, resolver::IpAddress client) {
    auto output = co_await iprev::check_iprev(state->m_resolver, {client});
    state->m_iprev = std::move(output);
}

coro::Task<void> run_adsp(std::shared_ptr<MessageState> state, adsp::AdspInput input) {
    auto output = co_await adsp::check_adsp(state->m_resolver, std::move(input));
    state->m_adsp = std::move(output);
}

constexpr std::string_view kTruncated = "header too large to verify";

void add_stats(resolver::ScopedResolver::Stats& sum, const resolver::ScopedResolver::Stats& more) {
    sum.m_secure += more.m_secure;
    sum.m_insecure += more.m_insecure;
    sum.m_bogus += more.m_bogus;
    sum.m_unchecked += more.m_unchecked;
    sum.m_failures += more.m_failures;
}

}  // namespace

MessageSession::MessageSession(coro::Scheduler& scheduler,
                               std::shared_ptr<resolver::Resolver> resolver,
                               std::shared_ptr<const AuthSettings> settings,
                               ConnectionInfo connection, std::shared_ptr<ConnectionIprev> iprev)
    : m_scheduler(scheduler),
      m_settings(std::move(settings)),
      m_connection(std::move(connection)),
      m_state(std::make_shared<MessageState>(scheduler, std::move(resolver),
                                             m_settings->m_max_queries)),
      m_iprev(std::move(iprev)) {
    if (m_settings->m_dkim)
        m_state->m_dkim =
            std::make_unique<dkim::DkimVerifier>(m_settings->m_dkim_options, std::time(nullptr));
    m_state->m_arc = make_arc_verifier(*m_settings);
    if (m_settings->m_arc_seal)
        m_seal = std::make_unique<SealStep>(m_settings->m_arc_seal);
}

MessageSession::~MessageSession() {
    if (!m_finished)
        abort();
}

void MessageSession::mail_from(std::string_view address) {
    m_mail_from = trim(address);
    if (m_mail_from.size() >= 2 && m_mail_from.front() == '<' && m_mail_from.back() == '>')
        m_mail_from = m_mail_from.substr(1, m_mail_from.size() - 2);
    // Each task is spawned at once (start(Task)), so that an abort right after finds it
    // counted by the scheduler.
    // The client's name does not depend on the message: the connection's lookups serve it.
    if (m_settings->m_iprev && m_iprev)
        m_iprev->restart_if_cut();
    else if (m_settings->m_iprev)
        m_state->m_group->start(run_iprev(m_state, m_connection.m_ip));
    if (m_settings->m_spf && !(m_connection.m_authenticated && m_settings->m_skip_authenticated))
        m_state->m_group->start(run_spf(m_state, spf_input(), m_settings->m_spf_prefetch));
}

spf::SpfInput MessageSession::spf_input() const {
    spf::SpfInput input;
    input.m_ip = m_connection.m_ip;
    input.m_mail_from = m_mail_from;
    input.m_helo = m_connection.m_helo;
    input.m_receiver = m_settings->m_receiver;
    return input;
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
    if (m_header_bytes > m_settings->m_max_header_bytes) {
        m_headers_truncated = true;
        return;
    }
    if (is_pra_field(name))
        m_state->m_pra_headers.emplace_back(std::string(name), trim(value));
    if (m_state->m_dkim)
        m_state->m_dkim->add_header(name, value);
    if (m_state->m_arc) {
        m_state->m_arc->add_header(name, value);
        if (!m_state->m_dkim)
            m_state->m_arc_headers.push_back({std::string(name), std::string(value)});
    }
    if (m_seal)
        m_seal->header(name, value);
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
    std::vector<std::string> signing_domains;
    if (m_state->m_dkim) {
        m_state->m_dkim->end_of_headers();
        for (auto& request : m_state->m_dkim->take_key_requests()) {
            signing_domains.push_back(request.m_domain);
            tasks.push_back(run_key_lookup(m_state, request.m_index, std::move(request.m_selector),
                                           std::move(request.m_domain)));
        }
    }
    if (m_state->m_arc && !m_headers_truncated)
        start_arc_lookups(m_state, tasks);
    if (m_seal)
        m_seal->end_of_headers(running_seal_body());
    if (m_settings->m_dmarc.m_enabled && !m_headers_truncated)
        if (auto lookups = start_dmarc_lookups(m_state, dmarc_context(), signing_domains))
            tasks.push_back(std::move(*lookups));
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

// running_seal_body - the relaxed, unlimited body hash a DKIM signature or an AMS already
// runs, for the seal to share (BodyHash is SHA-256 only, as a=rsa-sha256 of the seal needs).
dkim::BodyHash* MessageSession::running_seal_body() const {
    constexpr auto relaxed = message::Canonicalization::relaxed;
    if (m_state->m_dkim)
        if (auto* hash = m_state->m_dkim->running_body_hash(relaxed, std::nullopt))
            return hash;
    if (m_state->m_arc && !m_headers_truncated)
        return m_state->m_arc->running_body_hash(relaxed, std::nullopt);
    return nullptr;
}

void MessageSession::body(std::string_view chunk) {
    if (m_state->m_dkim)
        m_state->m_dkim->add_body(chunk);
    if (m_state->m_arc)
        m_state->m_arc->add_body(chunk);
    if (m_seal)
        m_seal->body(chunk);
}

Verdict MessageSession::end_of_message() {
    Verdict verdict;
    const auto started = std::chrono::steady_clock::now();

    end_of_headers();  // an MTA that skipped EOH still gets its lookups
    m_state->m_group->cancel_after(m_settings->m_deadline);
    if (m_settings->m_iprev && m_iprev)
        m_iprev->arm(m_settings->m_deadline);
    m_state->m_group->wait();
    m_finished = true;
    if (auto error = m_state->m_group->error())
        std::rethrow_exception(error);  // a lookup hit a bug: the milter fails it closed
    verdict.m_deadline_expired = m_state->m_group->expired();
    finish_connection_iprev(verdict);
    add_iprev_result(verdict);
    add_spf_result(verdict);
    add_sidf_result(verdict);
    add_dkim_results(verdict);
    add_arc_result(verdict);
    add_adsp_result(verdict, started);
    add_dmarc_result(verdict, started);
    if (m_headers_truncated)
        mark_truncated(verdict);
    verdict.m_header_value =
        verify::render_auth_results(m_settings->m_authserv_id, verdict.m_results);
    if (m_seal)  // after the A-R value: the seal carries this hop's results
        verdict.m_seal = m_seal->finish(verdict.m_header_value, seal_chain(verdict),
                                        m_headers_truncated, std::time(nullptr));
    verdict.m_forged_indices.assign(m_forged.rbegin(), m_forged.rend());
    for (const auto& [name, value] : m_state->m_pra_headers)
        if (message::iequals(name, "From")) {
            verdict.m_header_from = value;
            break;
        }
    verdict.m_queries += m_state->m_budget.used();
    verdict.m_queries_refused += m_state->m_budget.refused();
    add_stats(verdict.m_dns, m_state->m_resolver.stats());
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
    result.m_comment = dnssec_comment(m_state->m_spf_tally.security());
    result.m_dnssec = dnssec_field(m_state->m_spf_tally.security());
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
    result.m_comment = dnssec_comment(m_state->m_sidf_tally.security());
    result.m_dnssec = dnssec_field(m_state->m_sidf_tally.security());
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
        comment = join_comment(comment, dnssec_comment(signature.m_key_security));
        if (signature.m_key_bits)
            result.m_dnssec = dnssec_field(signature.m_key_security);
        if (signature.m_key_testing)
            comment += (comment.empty() ? "" : "; ") + std::string("test mode");
        result.m_comment = comment;
        result.m_reason = signature.m_reason;
        result.m_properties = {{"header", "d", signature.m_domain},
                               {"header", "i", signature.m_identity},
                               {"header", "s", signature.m_selector},
                               {"header", "a", signature.m_algorithm},
                               {"header", "b", signature.m_header_b}};
        // The summary of signatures past the limit has no d=, s=...: no empty properties.
        std::erase_if(result.m_properties, [](const auto& p) { return p.m_value.empty(); });
        verdict.m_results.push_back(std::move(result));
    }
}

// add_arc_result - after DKIM's, whose body hashes the AMSs share.
void MessageSession::add_arc_result(Verdict& verdict) {
    if (!m_state->m_arc || m_headers_truncated)
        return;
    verdict.m_arc = finish_arc(*m_state);
    verdict.m_results.push_back(arc_auth_result(*verdict.m_arc, m_connection.m_ip));
}

// add_adsp_result - RFC 5617 needs the DKIM verdicts, so its lookups are a second round on
// the same group, under what is left of the message's deadline (none left: they are
// cancelled at once and end as temperror).
void MessageSession::add_adsp_result(Verdict& verdict,
                                     std::chrono::steady_clock::time_point started) {
    if (!m_settings->m_adsp || m_headers_truncated)
        return;
    if (!m_state->m_author)
        m_state->m_author = dmarc::find_author(m_state->from_values());
    const dmarc::Author& author = *m_state->m_author;
    verify::AuthResult result{"dkim-adsp", "permerror", "", author.m_error, {}};
    if (!author.m_domain.empty()) {
        const auto output = adsp_output(verdict, author.m_domain, started);
        result.m_result = std::string(to_string(output.m_result));
        result.m_reason = output.m_reason;
        result.m_comment = dnssec_comment(output.m_security);
        result.m_dnssec = dnssec_field(output.m_security);
        result.m_properties.push_back({"header", "from", author.m_address});
    }
    verdict.m_results.push_back(std::move(result));
}

// adsp_output - check_adsp's answer. An author-domain signature that passed decides without
// DNS (RFC 5617 3.2), so it is taken here: a round on the group would cost two hand-offs to
// the loop thread and back per message for nothing (perf: 6% of enma-all's CPU on S1).
adsp::AdspOutput MessageSession::adsp_output(Verdict& verdict, const std::string& domain,
                                             std::chrono::steady_clock::time_point started) {
    if (adsp::has_author_domain_signature(m_state->m_dkim_results, domain))
        return adsp::AdspOutput{adsp::AdspResult::pass, "", {}, {}};
    m_state->m_group->start(run_adsp(m_state, {domain, m_state->m_dkim_results}));
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    m_state->m_group->cancel_after(
        std::max(m_settings->m_deadline - elapsed, std::chrono::milliseconds(0)));
    m_state->m_group->wait();
    verdict.m_deadline_expired = verdict.m_deadline_expired || m_state->m_group->expired();
    return m_state->m_adsp.value_or(
        adsp::AdspOutput{adsp::AdspResult::temperror, "ADSP lookup did not finish", {}, {}});
}

// finish_connection_iprev - the connection's lookups, waited for under this message's
// deadline; the first message to read them counts their queries.
void MessageSession::finish_connection_iprev(Verdict& verdict) {
    if (!m_settings->m_iprev || !m_iprev)
        return;
    m_state->m_iprev = m_iprev->finish();
    if (auto error = m_iprev->error())
        std::rethrow_exception(error);
    verdict.m_deadline_expired = verdict.m_deadline_expired || m_iprev->expired();
    if (const auto counts = m_iprev->take_counts()) {
        verdict.m_queries = counts->m_queries;
        verdict.m_queries_refused = counts->m_refused;
        verdict.m_dns = counts->m_dns;
    }
}

// add_iprev_result - first in the field: it is about the connection, not the message.
void MessageSession::add_iprev_result(Verdict& verdict) const {
    if (!m_settings->m_iprev)
        return;
    auto output = m_state->m_iprev.value_or(iprev::IprevOutput{iprev::IprevResult::temperror,
                                                               "iprev lookups did not finish",
                                                               m_connection.m_ip,
                                                               {},
                                                               {},
                                                               0,
                                                               resolver::Security::unchecked});
    auto result = iprev::to_auth_result(output);
    result.m_comment = join_comment(result.m_comment, dnssec_comment(output.m_security));
    result.m_dnssec = dnssec_field(output.m_security);
    verdict.m_results.push_back(std::move(result));
}

DmarcContext MessageSession::dmarc_context() const {
    return {*m_settings, m_mail_from, m_connection.m_helo, m_connection.m_ip,
            m_connection.m_authenticated};
}

// seal_chain - the incoming chain as ARC validation found it, for the seal's cv= and the
// sets it signs; nullopt when the chain was not validated (arc.auth false: a message
// carrying one is then left unsealed).
std::optional<SealChain> MessageSession::seal_chain(const Verdict& verdict) const {
    if (!verdict.m_arc)
        return std::nullopt;
    const arc::ArcOutput& out = verdict.m_arc->m_output;
    SealChain chain;
    chain.m_cv = out.m_result;
    if (out.m_result == arc::ArcResult::fail && out.m_temporary)
        chain.m_unsealable = "ARC chain validation failed on a DNS error";
    if (out.m_result != arc::ArcResult::pass) {  // RFC 8617 5.1.2: a fail seals its own set
        chain.m_highest_instance =
            std::max({static_cast<int>(out.m_instances),
                      static_cast<int>(m_state->m_arc->chain().m_highest_instance),
                      m_seal->highest_instance()});
        return chain;
    }
    chain.m_highest_instance = static_cast<int>(out.m_instances);
    for (const auto& set : m_state->m_arc->chain().m_sets)
        chain.m_previous_sets.insert(chain.m_previous_sets.end(),
                                     {set.m_aar_field, set.m_ams_field, set.m_seal_field});
    return chain;
}

// add_dmarc_result - after SPF and DKIM: the evaluation, and the action it calls for.
void MessageSession::add_dmarc_result(Verdict& verdict,
                                      std::chrono::steady_clock::time_point started) {
    if (!m_settings->m_dmarc.m_enabled || m_headers_truncated)
        return;
    auto dmarc = finish_dmarc(m_state, dmarc_context(), started + m_settings->m_deadline);
    if (verdict.m_arc)
        apply_arc_override(*verdict.m_arc, dmarc, *m_state, *m_settings);
    verdict.m_deadline_expired = verdict.m_deadline_expired || m_state->m_group->expired();
    verdict.m_results.push_back(dmarc_auth_result(dmarc));
    verdict.m_results.back().m_dnssec = dnssec_field(dmarc.m_output.m_security);
    verdict.m_action = dmarc.m_action;
    verdict.m_reply = dmarc.m_reply;
    verdict.m_dmarc = std::move(dmarc);
}

// mark_truncated - a verdict on part of the header would be a guess an attacker chose (a
// second From after megabytes of padding): the methods that read headers say so instead.
void MessageSession::mark_truncated(Verdict& verdict) const {
    verdict.m_headers_truncated = true;
    std::erase_if(verdict.m_results, [](const verify::AuthResult& result) {
        return result.m_method == "dkim" || result.m_method == "sender-id" ||
               result.m_method == "dkim-adsp" || result.m_method == "arc";
    });
    const auto add = [&](bool enabled, std::string_view method) {
        if (enabled)
            verdict.m_results.push_back(
                {std::string(method), "permerror", "", std::string(kTruncated), {}});
    };
    add(static_cast<bool>(m_state->m_dkim), "dkim");
    if (m_state->m_arc)  // ARC has no permerror (RFC 8617 10.1): a chain not read is a fail
        verdict.m_results.push_back({"arc", "fail", "", std::string(kTruncated), {}});
    add(m_settings->m_sidf && !(m_connection.m_authenticated && m_settings->m_skip_authenticated),
        "sender-id");
    add(m_settings->m_adsp, "dkim-adsp");
    add(m_settings->m_dmarc.m_enabled, "dmarc");
}

}  // namespace enma::pipeline
