// delivery.hpp - handing a finished report to its destination: an SMTP relay (report.smtp,
// smtp_client.hpp), a sendmail(8)-compatible program (PROGRAM -t -oi -f FROM, the message on
// standard input), or a file in a directory.
//
// None goes through a shell: the program is exec'ed with fixed arguments and the recipients
// come from the message's To: field, which report_uri.hpp keeps to plain addresses; over
// SMTP the same address is the one RCPT TO.
#pragma once

#include <string>
#include <string_view>

#include "conf/config.hpp"

namespace enma::report {

// DeliveryResult - "" on success, else what went wrong (for the log).
using DeliveryResult = std::string;

// MailTransport - how report messages leave: over SMTP when m_smtp is set, else m_sendmail.
struct MailTransport {
    std::string m_sendmail;  // report.sendmail
    conf::SmtpRelay m_smtp;  // report.smtp
};

// send_report_mail - `message` from `from` (the envelope sender) to `to` (its To: address).
DeliveryResult send_report_mail(const MailTransport& transport, const std::string& from,
                                const std::string& to, std::string_view message);

// send_with_sendmail - runs `program` -t -oi -f `from` and writes `message` to it; success is
// exit status 0.
DeliveryResult send_with_sendmail(const std::string& program, const std::string& from,
                                  std::string_view message);

// write_report_file - `data` as `directory`/`name`, written to a temporary name first and
// renamed, so a reader never sees half a file.
DeliveryResult write_report_file(const std::string& directory, const std::string& name,
                                 std::string_view data);

}  // namespace enma::report
