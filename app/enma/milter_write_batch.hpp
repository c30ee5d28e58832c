// milter_write_batch.hpp - the end-of-message writes leave in one TCP segment.
//
// At end of message libmilter writes each modification (SMFIR_CHGHEADER, SMFIR_INSHEADER)
// with its own writev() from inside the callback, and the final reply after the callback
// returns. Each write is a TCP transmit and, on loopback, a wake-up of the MTA for a packet
// it cannot act on before the final reply. While a WriteBatch lives on a thread, the writev()
// wrapper (libmilter_tcp.cpp) sends that thread's writes on MTA connections with MSG_MORE;
// the final reply, written without it, pushes them all out together. libmilter writes the
// final reply after every end-of-message callback, so nothing is held back.
#pragma once

namespace enma::app {

class WriteBatch {
public:
    WriteBatch();
    ~WriteBatch();
    WriteBatch(const WriteBatch&) = delete;
    WriteBatch& operator=(const WriteBatch&) = delete;

    // active - whether the calling thread is inside a WriteBatch.
    static bool active();
};

}  // namespace enma::app
