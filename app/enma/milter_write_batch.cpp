// milter_write_batch.cpp - a per-thread flag: the writes in progress are not the last ones.
#include "app/enma/milter_write_batch.hpp"

namespace enma::app {
namespace {

// Per thread, not per connection: the libmilter thread that runs a callback is the one that
// makes its writes.
thread_local bool t_batching = false;

}  // namespace

WriteBatch::WriteBatch() {
    t_batching = true;
}

WriteBatch::~WriteBatch() {
    t_batching = false;
}

bool WriteBatch::active() {
    return t_batching;
}

}  // namespace enma::app
