// milter_bridge.hpp - libmilter's C callbacks, bound to enma's objects.
//
// libmilter calls plain C functions that carry only an SMFICTX, and the first of them
// (negotiate) comes before any per-connection data exists: so the bridge keeps one pointer to
// the MilterService for the life of smfi_main(). It is the one process-wide pointer besides
// the logger, forced by libmilter's API, and set once before smfi_main() starts.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>

#include "app/common/runtime.hpp"
#include "app/report/failure_sender.hpp"
#include "app/report/recorder.hpp"
#include "coro/scheduler.hpp"

namespace enma::app {

// MilterService - what every connection needs: the scheduler, the current Runtime, the
// report recorder, and a count of open connections for a graceful stop.
struct MilterService {
    coro::Scheduler& m_scheduler;
    RuntimeHolder& m_runtime;
    std::mutex m_mutex;
    std::condition_variable m_idle;
    std::size_t m_connections = 0;
    bool m_wraps_checked = false;  // the libmilter wraps' traffic was checked (first close)
    std::size_t m_messages = 0;    // messages between MAIL FROM and end of message / abort
    std::chrono::steady_clock::time_point m_last_activity{};  // last connect, MAIL, end, close
    report::Recorder* m_recorder = nullptr;                   // report.store; null when off
    report::FailureSender* m_failures = nullptr;  // report.failure_reports; null when off

    // wait_idle - until no connection is open or `timeout` passed; true if idle.
    bool wait_idle(std::chrono::milliseconds timeout);
    // drain - until no message is in progress and none began or ended for kSettle, or
    // `timeout` passed; true if none is in progress. Called on SIGTERM before smfi_stop():
    // once libmilter stops, its worker pool never reads a session parked between two commands
    // again, so a message must be finished before that. The quiet period covers a MAIL FROM
    // the MTA has sent but libmilter has not read yet (not counted in m_messages).
    bool drain(std::chrono::milliseconds timeout);
    static constexpr std::chrono::milliseconds kSettle{500};
};

// run_milter - register with libmilter, open the socket, then call `after_bind` (drop
// privileges, pid file) and run smfi_main() until smfi_stop(). Throws on a setup failure.
void open_milter_socket(MilterService& service, const std::string& socket, int timeout_seconds,
                        int debug_level);
int run_milter();

}  // namespace enma::app
