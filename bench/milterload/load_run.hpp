// load_run.hpp - drive N connections at once and gather what they measured.
//
// One thread per connection, blocking I/O: each thread opens its connection once and sends
// message after message on it (ABORT in between), taking the next corpus message in turn,
// until the shared message count or the deadline is reached. Latency is measured per message
// from the first MAIL-stage packet to the final end-of-message reply. A connection that
// fails is counted as an error and reopened.
#pragma once

#include <cstdint>
#include <vector>

#include "bench/milterload/corpus.hpp"
#include "bench/milterload/options.hpp"

namespace milterload {

struct LoadResult {
    uint64_t m_messages = 0;             // ended with accept or continue
    uint64_t m_errors = 0;               // protocol / connection failures and other final replies
    uint64_t m_unexpected = 0;           // accepted, but the --expect text was not in the replies
    double m_seconds = 0;                // wall clock of the whole run
    std::vector<double> m_latencies_ms;  // sorted
    uint32_t m_protocol = 0;             // the flags the filter chose (first connection)
};

LoadResult run_load(const Options& options, const std::vector<Message>& corpus);

// raise_descriptor_limit - the soft RLIMIT_NOFILE up to the hard one.
void raise_descriptor_limit();

// percentile - of sorted values, nearest rank; 0 when empty.
double percentile(const std::vector<double>& sorted, double fraction);

}  // namespace milterload
