// milter_read_ahead.hpp - user-space read-ahead on the MTA connections libmilter reads.
//
// libmilter reads each milter packet with two read()s (the 5-byte length and command, then
// the data), each after its own poll(), and Debian's libmilter (built with its worker pool)
// polls once more before every packet to decide whether to keep the session on its worker:
// three polls and two reads per packet, about sixty polls per message, although an MTA writes
// most of a message's packets back to back (SMFIP_NR_* steps, macros before each command).
// MilterReadAhead serves those reads from one larger read per burst and tells the poll()
// wrapper which connections already have bytes waiting, so a burst costs one read and no poll.
//
// Only descriptors that accept() returned are adopted; everything else (libmilter's wake-up
// pipe, enma's own eventfd and files) passes straight through. Each adopted descriptor is
// read by one libmilter thread at a time, and libmilter hands a session from thread to
// thread under its own mutex, so a slot needs no lock of its own; the slot table is sized
// once and never resized. The slot pointers are atomic (release on adopt/forget, acquire on
// use): a descriptor closed by a worker (forget) is handed to the listener's accept (adopt)
// only through the kernel's descriptor table, an ordering neither the C++ memory model nor
// ThreadSanitizer can see (the e2e wire suite under TSan reported it).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/enma/milter_linger.hpp"

namespace enma::app {

class MilterReadAhead {
public:
    using ReadFunction = ssize_t (*)(int fd, void* buffer, size_t size);

    // The most bytes one real read asks for; reads at least this large go straight to the
    // caller's buffer (body chunks), smaller ones through a per-thread scratch buffer.
    static constexpr size_t kChunk = 16 * 1024;

    // Descriptors at or above `max_descriptors` are never adopted: they are read unbuffered.
    MilterReadAhead(size_t max_descriptors, ReadFunction real_read);
    ~MilterReadAhead();
    MilterReadAhead(const MilterReadAhead&) = delete;
    MilterReadAhead& operator=(const MilterReadAhead&) = delete;

    void adopt(int fd, bool tcp);  // a connection accept() just returned
    void forget(int fd);           // before close(fd): the number is about to be reused
    bool adopted(int fd) const;
    bool tcp(int fd) const;
    bool has_buffered(int fd) const;  // a poll() for reading would return at once
    // identity - 0 if `fd` is not adopted; otherwise a number no other adoption gets. Safe
    // from any thread even while another closes the connection (no slot is read).
    std::uint64_t identity(int fd) const;
    // parked - the worker holding the session waits for its message's lookups (end of
    // message), set by that worker; the pool controller does not count such a worker as busy.
    void set_parked(int fd, bool parked);
    bool parked(int fd) const;
    // open - how many descriptors are adopted now (the listener's flood pause).
    size_t open() const { return m_open.load(std::memory_order_relaxed); }
    // session - the adopted connection's pace for the worker pool's linger, or null.
    LingerGate::Session* session(int fd) const;

    // read - read(2) semantics. On an adopted descriptor, buffered bytes are served first;
    // otherwise one real read fetches up to kChunk bytes and keeps what the caller did not
    // ask for. `real` tells whether the real read was made (the caller re-arms TCP_QUICKACK
    // only then).
    ssize_t read(int fd, void* buffer, size_t size, bool& real);

private:
    struct Slot {
        bool m_tcp = false;
        std::string m_bytes;  // read ahead, not yet handed out from m_offset on
        size_t m_offset = 0;
        LingerGate::Session m_pace;
    };

    Slot* slot(int fd) const;
    void take(Slot& slot, void* buffer, size_t count);

    void replace(int fd, Slot* fresh);

    std::vector<std::atomic<Slot*>> m_slots;  // owned; nullptr: not adopted
    std::atomic<size_t> m_open{0};            // non-null slots
    std::atomic<std::uint64_t> m_adoptions{0};
    // By descriptor: identity * 2 + parked; 0 when not adopted. Kept apart from the slots,
    // which a closing worker frees, so that other threads may read it at any time.
    std::vector<std::atomic<std::uint64_t>> m_marks;
    ReadFunction m_real_read;
};

}  // namespace enma::app
