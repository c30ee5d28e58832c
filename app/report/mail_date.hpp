// mail_date.hpp - the Date: form of RFC 5322 that report messages (aggregate and failure) use.
#pragma once

#include <cstdint>
#include <string>

namespace enma::report {

// rfc5322_date - "Thu, 03 Dec 2026 14:09:10 +0000" for seconds since the epoch (UTC).
std::string rfc5322_date(std::int64_t time);

}  // namespace enma::report
