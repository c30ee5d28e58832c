// libmilter_tcp.cpp - no Nagle / delayed-ACK stalls on libmilter's TCP connections.
//
// The milter protocol is a ping-pong of small packets, many of which get no reply: with the
// SMFIP_NR_* steps an MTA sends HELO, MAIL, every HEADER, EOH and BODY back to back, and at
// end of message libmilter writes each modification (one writev per SMFIR_INSHEADER,
// SMFIR_CHGHEADER, ...) and then the final SMFIR_ACCEPT / SMFIR_CONTINUE separately. On TCP
// that meets two kernel habits:
//   - Nagle: a small write waits while an earlier small segment is still unacknowledged;
//   - delayed ACK: a receiver in "interactive" (ping-pong) mode holds its ACK for up to
//     40 ms, hoping to piggyback it on a reply that, for a no-reply step, never comes.
// Together they stall one write per exchange for ~40 ms in each direction; an MTA with an
// ordinary socket (neither TCP_NODELAY nor TCP_QUICKACK) then gets ~23 messages/s per
// connection from a stock libmilter filter. The fix has to be on our side of the socket:
//   - accept(): every connection libmilter accepts gets TCP_NODELAY, so our own small writes
//     (the end-of-message replies) leave at once instead of waiting for the MTA's ACK;
//   - read(): after each read libmilter makes (comm.c reads every command in two reads, the
//     5-byte length+command and then the data), TCP_QUICKACK is set again. Linux clears it
//     whenever it re-enters ping-pong mode, so it must be re-armed; setting it also sends an
//     ACK that is pending right now, which releases the MTA's next Nagle-held write.
// enma links the static libmilter.a with -Wl,--wrap=accept,--wrap=read (app/CMakeLists.txt),
// so libmilter's calls land in the __wrap_ functions below (libmilter_sigwait.cpp does the
// same for sigwait). In libmilter, accept() is only in listener.c and read() in comm.c (the
// MTA socket) and worker.c (its wake-up pipe); --wrap also catches the read() of enma's own
// objects (the scheduler's eventfd). On a descriptor that is not a TCP socket the setsockopt
// simply fails (ENOTSOCK, EOPNOTSUPP) and is ignored; errno is kept as the real call left it,
// since libmilter inspects it.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <cerrno>

extern "C" int __real_accept(int listener, sockaddr* address, socklen_t* length);
extern "C" ssize_t __real_read(int fd, void* buffer, size_t size);

namespace {

// set_tcp_option - best effort: fails harmlessly on unix-domain sockets, pipes and eventfds.
void set_tcp_option(int fd, int option) {
    const int saved_errno = errno;
    const int on = 1;
    setsockopt(fd, IPPROTO_TCP, option, &on, sizeof on);
    errno = saved_errno;
}

}  // namespace

// __wrap_accept - libmilter's accept(), plus TCP_NODELAY on the new connection.
extern "C" int __wrap_accept(int listener, sockaddr* address, socklen_t* length) {
    const int fd = __real_accept(listener, address, length);
    if (fd >= 0)
        set_tcp_option(fd, TCP_NODELAY);
    return fd;
}

// __wrap_read - libmilter's read(), then TCP_QUICKACK re-armed so the MTA's data is ACKed now.
extern "C" ssize_t __wrap_read(int fd, void* buffer, size_t size) {
    const ssize_t result = __real_read(fd, buffer, size);
    if (result > 0)
        set_tcp_option(fd, TCP_QUICKACK);
    return result;
}
