// delivery.hpp - handing a finished report to its destination: a sendmail(8)-compatible
// program (PROGRAM -t -oi -f FROM, the message on standard input), or a file in a directory.
//
// Neither goes through a shell: the program is exec'ed with fixed arguments and the
// recipients come from the message's To: field, which report_uri.hpp keeps to plain
// addresses.
#pragma once

#include <string>
#include <string_view>

namespace enma::report {

// DeliveryResult - "" on success, else what went wrong (for the log).
using DeliveryResult = std::string;

// send_with_sendmail - runs `program` -t -oi -f `from` and writes `message` to it; success is
// exit status 0.
DeliveryResult send_with_sendmail(const std::string& program, const std::string& from,
                                  std::string_view message);

// write_report_file - `data` as `directory`/`name`, written to a temporary name first and
// renamed, so a reader never sees half a file.
DeliveryResult write_report_file(const std::string& directory, const std::string& name,
                                 std::string_view data);

}  // namespace enma::report
