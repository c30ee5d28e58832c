// milter_connection.hpp - one MTA connection: libmilter callbacks in, MessageSession calls out.
//
// The glue only translates: what each SMTP step means for verification lives in
// pipeline::MessageSession. Here: which protocol steps were negotiated (so a callback answers
// SMFIS_NOREPLY only where the MTA agreed not to wait), exclusion, the macros, applying the
// verdict (delete forged A-R fields, insert ours), the one log record per message and, with
// report.store, its DMARC record handed to the Recorder (which never makes it wait); with
// report.failure_reports, the header copied (report::HeaderCopy) and the failure-report job
// that report::failure_job() decides on handed to the FailureSender (which never waits
// either). The first RCPT TO is kept for both (envelope_to) when they are on.
//
// Fail-closed: a callback that threw, a message without state at end of message (its MAIL
// FROM failed) and a failed smfi_* modification all end in fail_message(): forged A-R fields
// are still deleted (the glue notes them itself, so it can without a MessageSession), one
// "milter.error" record is logged, and the answer is milter.fail_action.
// iprev is about the client: its lookups start at connect (overlapping the SMTP dialogue)
// and their result serves every message of the connection (pipeline::ConnectionIprev).
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
#include "app/report/failure_job.hpp"
#include "app/report/failure_sender.hpp"
#include "app/report/recorder.hpp"
#include "coro/scheduler.hpp"
#include "verify/pipeline/message_session.hpp"

namespace enma::app {

// Reporters - where a message's DMARC outcome goes; each may be null (off) and outlives every
// connection.
struct Reporters {
    report::Recorder* m_recorder = nullptr;       // report.store
    report::FailureSender* m_failures = nullptr;  // report.failure_reports
};

class MilterConnection {
public:
    MilterConnection(coro::Scheduler& scheduler, std::shared_ptr<const Runtime> runtime,
                     unsigned long protocol_flags, Reporters reporters = {});
    ~MilterConnection();

    sfsistat connect(SMFICTX* ctx, const char* hostname, const sockaddr* address);
    sfsistat helo(const char* name);
    sfsistat envfrom(SMFICTX* ctx, char** argv);
    sfsistat envrcpt(char** argv);
    sfsistat header(const char* name, const char* value);
    sfsistat eoh();
    sfsistat body(const unsigned char* chunk, size_t length);
    sfsistat eom(SMFICTX* ctx);
    sfsistat abort();
    // failed - the answer when a callback threw: the configured fail action, never a crash.
    // The message is marked failed, so its end of message fails closed too.
    sfsistat failed();
    // metrics - the metrics.listen endpoint's counters, or null when it is off.
    Metrics* metrics() const noexcept { return m_runtime->m_metrics.get(); }

    bool m_busy = false;  // a message is in progress (milter_bridge.cpp counts them for drain)

private:
    sfsistat no_reply(unsigned long flag) const;
    sfsistat act(SMFICTX* ctx, const pipeline::Verdict& verdict);
    sfsistat fail_action() const;
    void start_message();
    sfsistat fail_message(SMFICTX* ctx, const std::string& why);
    bool remove_forged(SMFICTX* ctx, const std::vector<int>& indices);
    std::string apply(SMFICTX* ctx, const pipeline::Verdict& verdict);
    std::string insert_seal(SMFICTX* ctx, const arc::SealedSet& set);
    void log_message(SMFICTX* ctx, const pipeline::Verdict& verdict);
    void record_dmarc(const pipeline::Verdict& verdict);

    coro::Scheduler& m_scheduler;
    std::shared_ptr<const Runtime> m_runtime;
    unsigned long m_protocol;  // the SMFIP_* flags the MTA agreed to
    Reporters m_reporters;
    std::string m_rcpt_to;             // the message's first RCPT TO (only with m_reporters)
    report::HeaderCopy m_header_copy;  // only with m_reporters.m_failures
    pipeline::ConnectionInfo m_info;
    bool m_excluded = false;
    bool m_failed = false;      // a step of this message failed: end of message fails closed
    int m_ar_fields = 0;        // Authentication-Results fields of this message so far
    std::vector<int> m_forged;  // 1-based indices of those carrying our authserv-id
    std::string m_queue_id;
    std::shared_ptr<pipeline::ConnectionIprev> m_iprev;  // iprev.auth: started at connect
    std::unique_ptr<pipeline::MessageSession> m_message;
};

}  // namespace enma::app
