// paced_run.hpp - many slow connections driven by a few threads (--pace-ms).
//
// An MTA talking to a slow or far client holds its milter connection open for the whole SMTP
// session and sends a command only when the client's next one arrives. run_paced opens
// --concurrency connections to the one filter, spread over --pace-threads threads (blocking
// I/O, connection after connection: the filter answers in well under a millisecond), waits
// until every connection is open, then starts connection i at i / N of one period and sends
// each connection's next command every --pace-ms ms, message after message, until --messages
// are taken. A failed connection is counted as an error and not reopened. Latency is the whole
// message, pacing included (about commands × MS).
#pragma once

#include <vector>

#include "bench/milterload/corpus.hpp"
#include "bench/milterload/load_run.hpp"
#include "bench/milterload/options.hpp"

namespace milterload {

LoadResult run_paced(const Options& options, const std::vector<Message>& corpus);

}  // namespace milterload
