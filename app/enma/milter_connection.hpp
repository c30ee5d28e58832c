// milter_connection.hpp - one MTA connection: libmilter callbacks in, MessageSession calls out.
//
// The glue only translates: what each SMTP step means for verification lives in
// pipeline::MessageSession. Here: which protocol steps were negotiated (so a callback answers
// SMFIS_NOREPLY only where the MTA agreed not to wait), exclusion, the macros, applying the
// verdict (delete forged A-R fields, insert ours), the one log record per message and, with
// report.store, its DMARC record handed to the Recorder (which never makes it wait).
//
// Fail-closed: a callback that threw, a message without state at end of message (its MAIL
// FROM failed) and a failed smfi_* modification all end in fail_message(): forged A-R fields
// are still deleted (the glue notes them itself, so it can without a MessageSession), one
// "milter.error" record is logged, and the answer is milter.fail_action.
// Excluded clients are not verified and get no A-R field, but their messages still pass
// through enma so that forged A-R fields carrying our authserv-id are deleted.
//
// Invariant: libmilter calls one connection's callbacks from one thread at a time.
#pragma once

#include <libmilter/mfapi.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/common/runtime.hpp"
#include "app/report/recorder.hpp"
#include "coro/scheduler.hpp"
#include "verify/pipeline/message_session.hpp"

namespace enma::app {

class MilterConnection {
public:
    // `recorder` (report.store; may be null) outlives every connection.
    MilterConnection(coro::Scheduler& scheduler, std::shared_ptr<const Runtime> runtime,
                     unsigned long protocol_flags, report::Recorder* recorder = nullptr);
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
    // The message is marked failed, so its end of message fails closed too.
    sfsistat failed();

    bool m_busy = false;  // a message is in progress (milter_bridge.cpp counts them for drain)

private:
    sfsistat no_reply(unsigned long flag) const;
    sfsistat act(SMFICTX* ctx, const pipeline::Verdict& verdict);
    sfsistat fail_action() const;
    void start_message();
    sfsistat fail_message(SMFICTX* ctx, const std::string& why);
    bool remove_forged(SMFICTX* ctx, const std::vector<int>& indices);
    std::string apply(SMFICTX* ctx, const pipeline::Verdict& verdict);
    void log_message(SMFICTX* ctx, const pipeline::Verdict& verdict) const;
    void record_dmarc(const pipeline::Verdict& verdict) const;

    coro::Scheduler& m_scheduler;
    std::shared_ptr<const Runtime> m_runtime;
    unsigned long m_protocol;  // the SMFIP_* flags the MTA agreed to
    report::Recorder* m_recorder;
    pipeline::ConnectionInfo m_info;
    bool m_excluded = false;
    bool m_failed = false;      // a step of this message failed: end of message fails closed
    int m_ar_fields = 0;        // Authentication-Results fields of this message so far
    std::vector<int> m_forged;  // 1-based indices of those carrying our authserv-id
    std::string m_queue_id;
    std::unique_ptr<pipeline::MessageSession> m_message;
};

}  // namespace enma::app
