// enma_check_run.cpp - driving MessageSession for enma-check.
#include "app/enma-check/enma_check_run.hpp"

#include <memory>

#include "app/common/runtime.hpp"
#include "coro/scheduler.hpp"
#include "coro/sync_wait.hpp"

namespace enma::app {

namespace {

// release - drop the last references to the runtime (and so the resolver) on the loop
// thread, where libunbound's context must be freed.
coro::Task<void> release(std::shared_ptr<const Runtime>& runtime) {
    runtime.reset();
    co_return;
}

}  // namespace

pipeline::Verdict drive_session(pipeline::MessageSession& session, std::string_view mail_from,
                                const MilterMessage& message) {
    session.mail_from(mail_from);
    for (const auto& header : message.m_headers)
        session.header(header.m_name, header.m_value);
    session.end_of_headers();
    for (const auto chunk : body_chunks(message.m_body))
        session.body(chunk);
    return session.end_of_message();
}

pipeline::ConnectionInfo connection_info(const EnmaCheckOptions& options) {
    pipeline::ConnectionInfo info;
    if (options.m_ip)
        info.m_ip = *options.m_ip;
    info.m_hostname = options.m_hostname;
    if (info.m_hostname.empty() && options.m_ip)
        info.m_hostname = "[" + options.m_ip->to_string() + "]";
    info.m_helo = options.m_helo;
    return info;
}

CheckOutcome run_check(const EnmaCheckOptions& options, const conf::Config& config,
                       const MilterMessage& message) {
    coro::Scheduler scheduler;
    scheduler.start();
    auto runtime = build_runtime(config, scheduler, nullptr);
    auto settings = std::make_shared<pipeline::AuthSettings>(*runtime->m_auth);
    if (!options.m_seal)  // a seal costs a signature: only when it is asked for
        settings->m_arc_seal = nullptr;
    if (!options.m_ip) {  // SPF and Sender ID need the client's address
        settings->m_spf = false;
        settings->m_sidf = false;
    }
    CheckOutcome outcome;
    outcome.m_authserv_id = settings->m_authserv_id;
    outcome.m_excluded = options.m_ip && runtime->is_excluded(*options.m_ip);
    {
        pipeline::MessageSession session(scheduler, runtime->m_resolver, std::move(settings),
                                         connection_info(options));
        outcome.m_verdict = drive_session(session, options.m_mail_from, message);
    }
    coro::sync_wait(scheduler, release(runtime));
    scheduler.stop();
    return outcome;
}

}  // namespace enma::app
