// verify_message.hpp - verify every DKIM signature of a whole raw message (tests, CLI tools).
//
// It drives a DkimVerifier the way the milter does, but on the scheduler thread: the key
// lookups run together (when_all), then the message is hashed here. The milter does the
// hashing on its own thread instead; this is a convenience for callers that have the whole
// message in memory.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "coro/task.hpp"
#include "resolver/resolver.hpp"
#include "verify/dkim/dkim_options.hpp"
#include "verify/dkim/dkim_result.hpp"

namespace enma::dkim {

// verify_message - `raw_message` (CRLF or bare LF) must outlive the task. `now` defaults to
// the system clock.
coro::Task<std::vector<DkimResult>> verify_message(resolver::Resolver& resolver,
                                                   std::string_view raw_message,
                                                   DkimOptions options,
                                                   std::optional<std::int64_t> now = std::nullopt);

}  // namespace enma::dkim
