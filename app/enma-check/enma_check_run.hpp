// enma_check_run.hpp - one message through MessageSession, driven as the milter drives it.
//
// drive_session() is the SMTP order of app/enma/milter_connection.cpp without libmilter:
// mail_from, each header (name and raw value), end_of_headers, the body in milter-sized
// chunks, end_of_message. run_check() builds what the daemon builds for a connection (the
// Runtime: AuthSettings and the UnboundResolver from the same Config) on its own Scheduler
// and drives one session over it.
#pragma once

#include <string_view>

#include "app/enma-check/enma_check_options.hpp"
#include "app/enma-check/message_reader.hpp"
#include "conf/config.hpp"
#include "verify/pipeline/message_session.hpp"

namespace enma::app {

// drive_session - feed `message` to `session` and return its verdict.
pipeline::Verdict drive_session(pipeline::MessageSession& session, std::string_view mail_from,
                                const MilterMessage& message);

// connection_info - the ConnectionInfo the milter would build from the options.
pipeline::ConnectionInfo connection_info(const EnmaCheckOptions& options);

struct CheckOutcome {
    pipeline::Verdict m_verdict;
    std::string m_authserv_id;
    bool m_excluded = false;  // the daemon would not verify this client at all
};

// run_check - the whole check against real DNS as `config` says. Throws std::exception when
// the resolver cannot be set up from `config`.
CheckOutcome run_check(const EnmaCheckOptions& options, const conf::Config& config,
                       const MilterMessage& message);

}  // namespace enma::app
