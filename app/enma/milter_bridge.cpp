// milter_bridge.cpp - the smfiDesc, its callbacks, and their translation to MilterConnection.
#include "app/enma/milter_bridge.hpp"

#include <libmilter/mfapi.h>

#include <exception>
#include <stdexcept>

#include "app/common/logging.hpp"
#include "app/enma/daemon.hpp"
#include "app/enma/milter_connection.hpp"

namespace enma::app {

namespace {

MilterService* g_service = nullptr;  // see milter_bridge.hpp: libmilter leaves no other way

}  // namespace

// enma_wrap_traffic - libmilter_tcp.cpp's counters; absent (null) in a build without the wraps.
extern "C" __attribute__((weak)) void enma_wrap_traffic(unsigned long* adopted,
                                                        unsigned long* reads,
                                                        unsigned long* pool_checks);

namespace {

// check_wraps - once, at the first connection's end: the link-time wraps (libmilter_tcp.cpp)
// rely on libmilter's internals; if they saw no accept, no read or no 1 ms pool poll, this
// libmilter does not behave as they expect (docs/architecture.md). Called under m_mutex.
void check_wraps() {
    if (enma_wrap_traffic == nullptr || g_service->m_wraps_checked)
        return;
    g_service->m_wraps_checked = true;
    unsigned long adopted = 0, reads = 0, pool_checks = 0;
    enma_wrap_traffic(&adopted, &reads, &pool_checks);
    const bool ok = adopted > 0 && reads > 0 && pool_checks > 0;
    emit(ok ? spdlog::level::info : spdlog::level::warn,
         LogRecord("libmilter.wraps")
             .add("status", ok ? "ok" : "no traffic seen by the wraps")
             .add("adopted", static_cast<std::int64_t>(adopted))
             .add("reads", static_cast<std::int64_t>(reads))
             .add("pool_checks", static_cast<std::int64_t>(pool_checks)));
}

MilterConnection* connection_of(SMFICTX* ctx) {
    return static_cast<MilterConnection*>(smfi_getpriv(ctx));
}

// attach - the connection object for `ctx`, counted in for a graceful stop.
void attach(SMFICTX* ctx, unsigned long protocol_flags) {
    auto* connection =
        new MilterConnection(g_service->m_scheduler, g_service->m_runtime.current(), protocol_flags,
                             {g_service->m_recorder, g_service->m_failures});
    if (smfi_setpriv(ctx, connection) != MI_SUCCESS) {
        delete connection;  // not counted: on_close would never count it out
        throw std::runtime_error("smfi_setpriv failed");
    }
    std::lock_guard lock(g_service->m_mutex);
    ++g_service->m_connections;
    g_service->m_last_activity = std::chrono::steady_clock::now();
}

// count_error - one milter.error record in the metrics, if they are on.
void count_error(Metrics* metrics, const char* step) {
    if (metrics)
        metrics->internal_error(step);
}

// no_connection - the answer when a callback finds no MilterConnection (attach failed): the
// configured fail action, since nothing can verify this message or delete its forged fields.
sfsistat no_connection(const char* step) {
    emit(spdlog::level::err,
         LogRecord("milter.error").add("step", step).add("error", "no connection state"));
    const auto runtime = g_service->m_runtime.current();
    count_error(runtime->m_metrics.get(), step);
    return runtime->m_config.m_milter.m_fail_action == conf::FailAction::tempfail ? SMFIS_TEMPFAIL
                                                                                  : SMFIS_CONTINUE;
}

// guarded - run one callback; an exception becomes the fail action and a log line, never a
// crash or a lost message.
template <typename Fn>
sfsistat guarded(SMFICTX* ctx, const char* step, Fn&& fn) {
    MilterConnection* connection = connection_of(ctx);
    if (connection == nullptr)
        return no_connection(step);
    try {
        return fn(*connection);
    } catch (const std::exception& e) {
        emit(spdlog::level::err,
             LogRecord("milter.error").add("step", step).add("error", e.what()));
    } catch (...) {
        emit(spdlog::level::err,
             LogRecord("milter.error").add("step", step).add("error", "unknown"));
    }
    count_error(connection->metrics(), step);
    return connection->failed();
}

// on_negotiate - ask for what we use and for no-reply steps where the MTA offers them, so
// the MTA never waits on us before end of message.
sfsistat on_negotiate(SMFICTX* ctx, unsigned long f0, unsigned long f1, unsigned long /*f2*/,
                      unsigned long /*f3*/, unsigned long* pf0, unsigned long* pf1,
                      unsigned long* pf2, unsigned long* pf3) {
    *pf0 = f0 & (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE);
    // RCPT TO only when a report needs the envelope recipient (report.store,
    // report.failure_reports); otherwise the MTA is spared the step.
    const bool rcpt = g_service->m_recorder != nullptr || g_service->m_failures != nullptr;
    const unsigned long wanted = (rcpt ? SMFIP_NR_RCPT : SMFIP_NORCPT) | SMFIP_NOUNKNOWN |
                                 SMFIP_NODATA | SMFIP_HDR_LEADSPC | SMFIP_NR_HELO | SMFIP_NR_MAIL |
                                 SMFIP_NR_HDR | SMFIP_NR_EOH | SMFIP_NR_BODY;
    *pf1 = f1 & wanted;
    // milter.sendmail813: values as an MTA without SMFIP_HDR_LEADSPC gives them (blank after
    // the colon stripped), whatever the MTA offers; MilterConnection puts the blank back.
    if (g_service->m_runtime.current()->m_config.m_milter.m_sendmail813)
        *pf1 &= ~static_cast<unsigned long>(SMFIP_HDR_LEADSPC);
    *pf2 = 0;
    *pf3 = 0;
    try {
        attach(ctx, *pf1);
    } catch (const std::exception& e) {
        emit(spdlog::level::err,
             LogRecord("milter.error").add("step", "negotiate").add("error", e.what()));
        count_error(g_service->m_runtime.current()->m_metrics.get(), "negotiate");
        return SMFIS_ALL_OPTS;
    }
    return SMFIS_CONTINUE;
}

sfsistat on_connect(SMFICTX* ctx, char* hostname, _SOCK_ADDR* address) {
    // An MTA that does not negotiate (milter protocol < 6) gets no no-reply steps.
    if (connection_of(ctx) == nullptr) {
        try {
            attach(ctx, 0);
        } catch (const std::exception&) {
            return no_connection("connect");
        }
    }
    return guarded(ctx, "connect",
                   [&](MilterConnection& c) { return c.connect(ctx, hostname, address); });
}

sfsistat on_helo(SMFICTX* ctx, char* name) {
    return guarded(ctx, "helo", [&](MilterConnection& c) { return c.helo(name); });
}

// set_busy - count the connection's message in or out, for drain() on SIGTERM.
void set_busy(SMFICTX* ctx, bool busy) {
    MilterConnection* connection = connection_of(ctx);
    if (connection == nullptr || connection->m_busy == busy)
        return;
    connection->m_busy = busy;
    if (Metrics* metrics = connection->metrics())
        busy ? metrics->message_started() : metrics->message_ended();
    std::lock_guard lock(g_service->m_mutex);
    g_service->m_last_activity = std::chrono::steady_clock::now();
    if (busy)
        ++g_service->m_messages;
    else if (--g_service->m_messages == 0)
        g_service->m_idle.notify_all();
}

sfsistat on_envfrom(SMFICTX* ctx, char** argv) {
    set_busy(ctx, true);
    return guarded(ctx, "envfrom", [&](MilterConnection& c) { return c.envfrom(ctx, argv); });
}

sfsistat on_envrcpt(SMFICTX* ctx, char** argv) {
    return guarded(ctx, "envrcpt", [&](MilterConnection& c) { return c.envrcpt(argv); });
}

sfsistat on_header(SMFICTX* ctx, char* name, char* value) {
    return guarded(ctx, "header", [&](MilterConnection& c) { return c.header(name, value); });
}

sfsistat on_eoh(SMFICTX* ctx) {
    return guarded(ctx, "eoh", [&](MilterConnection& c) { return c.eoh(); });
}

sfsistat on_body(SMFICTX* ctx, unsigned char* chunk, size_t length) {
    return guarded(ctx, "body", [&](MilterConnection& c) { return c.body(chunk, length); });
}

sfsistat on_eom(SMFICTX* ctx) {
    const sfsistat status = guarded(ctx, "eom", [&](MilterConnection& c) { return c.eom(ctx); });
    set_busy(ctx, false);
    return status;
}

sfsistat on_abort(SMFICTX* ctx) {
    const sfsistat status = guarded(ctx, "abort", [&](MilterConnection& c) { return c.abort(); });
    set_busy(ctx, false);
    return status;
}

// on_close - the connection is gone (also after a lost MTA): free it, count it out.
sfsistat on_close(SMFICTX* ctx) {
    MilterConnection* connection = connection_of(ctx);
    if (connection == nullptr)
        return SMFIS_CONTINUE;
    set_busy(ctx, false);  // a lost MTA: its message ends here
    delete connection;
    smfi_setpriv(ctx, nullptr);
    std::lock_guard lock(g_service->m_mutex);
    check_wraps();
    if (--g_service->m_connections == 0)
        g_service->m_idle.notify_all();
    return SMFIS_CONTINUE;
}

}  // namespace

bool MilterService::wait_idle(std::chrono::milliseconds timeout) {
    std::unique_lock lock(m_mutex);
    return m_idle.wait_for(lock, timeout, [this] { return m_connections == 0; });
}

bool MilterService::drain(std::chrono::milliseconds timeout) {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + timeout;
    std::unique_lock lock(m_mutex);
    while (Clock::now() < deadline) {
        if (m_messages == 0 && Clock::now() - m_last_activity >= kSettle)
            return true;
        m_idle.wait_for(lock, std::chrono::milliseconds(50));
    }
    return m_messages == 0;
}

void open_milter_socket(MilterService& service, const std::string& socket, int timeout_seconds,
                        int debug_level) {
    g_service = &service;
    smfiDesc description{};
    description.xxfi_name = const_cast<char*>("enma");
    description.xxfi_version = SMFI_VERSION;
    description.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE;
    description.xxfi_connect = on_connect;
    description.xxfi_helo = on_helo;
    description.xxfi_envfrom = on_envfrom;
    description.xxfi_envrcpt = on_envrcpt;
    description.xxfi_header = on_header;
    description.xxfi_eoh = on_eoh;
    description.xxfi_body = on_body;
    description.xxfi_eom = on_eom;
    description.xxfi_abort = on_abort;
    description.xxfi_close = on_close;
    description.xxfi_negotiate = on_negotiate;
    if (smfi_register(description) == MI_FAILURE)
        throw StartupError("smfi_register failed");
    if (smfi_setconn(const_cast<char*>(socket.c_str())) == MI_FAILURE)
        throw StartupError("milter.socket: smfi_setconn failed for " + socket);
    if (smfi_settimeout(timeout_seconds) == MI_FAILURE)
        throw StartupError("milter.timeout: smfi_settimeout failed");
    smfi_setdbg(debug_level);
    // libmilter's default packet limit is 64 KiB: a longer header field would make it drop the
    // MTA connection, and with it the removal of a forged A-R. 1 MiB is the protocol's most.
    constexpr std::size_t kMaxDataSize = 1024 * 1024 - 1;  // MILTER_MDS_1M (behind an FFR)
    smfi_setmaxdatasize(kMaxDataSize);
    if (smfi_opensocket(true) == MI_FAILURE)
        throw StartupError("milter.socket: cannot listen on " + socket +
                           " (in use, or no permission?)");
}

int run_milter() {
    return smfi_main();
}

}  // namespace enma::app
