// signal_thread.hpp - SIGHUP, SIGUSR1, SIGTERM and SIGINT handled by one thread of ours.
//
// libmilter starts its own sigwait() thread in smfi_main() that treats SIGHUP like SIGTERM
// (stop the milter). enma wants SIGHUP to reload the configuration, so the link wraps
// libmilter's sigwait() (libmilter_sigwait.cpp) to wait for nothing we handle, and this
// thread, blocked on sigtimedwait(), receives them all: SIGHUP calls on_reload, SIGUSR1
// on_reopen (log files, for logrotate), SIGTERM and SIGINT call on_stop. Construct it before
// smfi_main() and before any other thread, so that every thread inherits the blocked mask.
#pragma once

#include <atomic>
#include <functional>
#include <thread>

namespace enma::app {

class SignalThread {
public:
    SignalThread(std::function<void()> on_reload, std::function<void()> on_reopen,
                 std::function<void(int signal)> on_stop);
    ~SignalThread();
    SignalThread(const SignalThread&) = delete;
    SignalThread& operator=(const SignalThread&) = delete;

private:
    void run();

    std::function<void()> m_on_reload;
    std::function<void()> m_on_reopen;
    std::function<void(int)> m_on_stop;
    std::atomic<bool> m_quit{false};
    std::thread m_thread;
};

// block_handled_signals - block SIGHUP/SIGUSR1/SIGTERM/SIGINT in the calling thread (and so in
// every thread it creates afterwards); SIGPIPE is ignored (a closed MTA socket is an error value).
void block_handled_signals();

}  // namespace enma::app
