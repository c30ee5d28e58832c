// libmilter_sigwait.cpp - keep libmilter's signal thread away from the signals enma handles.
//
// The enma binary is linked with -Wl,--wrap=sigwait against the static libmilter.a, so the
// sigwait() call in libmilter's signal thread lands here. Waiting on an empty set would make
// sigwait fail, so the thread waits for SIGUSR2 instead, which nothing sends: it just sleeps,
// and SIGHUP / SIGTERM / SIGINT go to SignalThread alone (reload instead of libmilter's stop).
#include <csignal>

extern "C" int __real_sigwait(const sigset_t* set, int* signal);

extern "C" int __wrap_sigwait(const sigset_t* /*set*/, int* signal) {
    sigset_t idle;
    sigemptyset(&idle);
    sigaddset(&idle, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &idle, nullptr);
    return __real_sigwait(&idle, signal);
}
