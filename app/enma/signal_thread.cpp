// signal_thread.cpp - the sigtimedwait() loop.
#include "app/enma/signal_thread.hpp"

#include <csignal>
#include <ctime>

namespace enma::app {

namespace {
sigset_t handled_set() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    return set;
}
}  // namespace

void block_handled_signals() {
    const sigset_t set = handled_set();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
}

SignalThread::SignalThread(std::function<void()> on_reload, std::function<void()> on_reopen,
                           std::function<void(int)> on_stop)
    : m_on_reload(std::move(on_reload)),
      m_on_reopen(std::move(on_reopen)),
      m_on_stop(std::move(on_stop)) {
    block_handled_signals();
    m_thread = std::thread([this] { run(); });
}

SignalThread::~SignalThread() {
    m_quit = true;
    m_thread.join();
}

// run - wake at least every 200 ms to notice destruction; sigtimedwait is not wrapped.
void SignalThread::run() {
    const sigset_t set = handled_set();
    const timespec tick{0, 200'000'000};
    while (!m_quit) {
        const int signal = sigtimedwait(&set, nullptr, &tick);
        if (signal == SIGHUP)
            m_on_reload();
        else if (signal == SIGUSR1)
            m_on_reopen();
        else if (signal == SIGTERM || signal == SIGINT)
            m_on_stop(signal);
    }
}

}  // namespace enma::app
