// milter_connection.hpp - one MTA connection: libmilter callbacks in, MessageSession calls out.
//
// The glue only translates: what each SMTP step means for verification lives in
// pipeline::MessageSession. Here: which protocol steps were negotiated (so a callback answers
// SMFIS_NOREPLY only where the MTA agreed not to wait), exclusion, the macros, applying the
// verdict (delete forged A-R fields, insert ours) and the one log record per message.
//
// Invariant: libmilter calls one connection's callbacks from one thread at a time.
#pragma once

#include <libmilter/mfapi.h>

#include <memory>
#include <optional>
#include <string>

#include "app/runtime.hpp"
#include "coro/scheduler.hpp"
#include "verify/pipeline/message_session.hpp"

namespace enma::app {

class MilterConnection {
public:
    MilterConnection(coro::Scheduler& scheduler, std::shared_ptr<const Runtime> runtime,
                     unsigned long protocol_flags);
    ~MilterConnection();

    sfsistat connect(SMFICTX* ctx, const char* hostname, const sockaddr* address);
    sfsistat helo(const char* name);
    sfsistat envfrom(SMFICTX* ctx, char** argv);
    sfsistat header(const char* name, const char* value);
    sfsistat eoh();
    sfsistat body(const unsigned char* chunk, size_t length);
    sfsistat eom(SMFICTX* ctx);
    sfsistat abort();
    // failed - the answer when a callback threw: the configured fail action, never a crash.
    sfsistat failed() const;

private:
    sfsistat no_reply(unsigned long flag) const;
    sfsistat act(SMFICTX* ctx, const pipeline::Verdict& verdict);
    void apply(SMFICTX* ctx, const pipeline::Verdict& verdict);
    void log_message(SMFICTX* ctx, const pipeline::Verdict& verdict) const;

    coro::Scheduler& m_scheduler;
    std::shared_ptr<const Runtime> m_runtime;
    unsigned long m_protocol;  // the SMFIP_* flags the MTA agreed to
    pipeline::ConnectionInfo m_info;
    bool m_excluded = false;
    std::string m_queue_id;
    std::unique_ptr<pipeline::MessageSession> m_message;
};

}  // namespace enma::app
