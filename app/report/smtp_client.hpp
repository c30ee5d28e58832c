// smtp_client.hpp - submitting one report message to an SMTP relay (report.smtp): the
// RFC 5321 dialogue, without TLS or AUTH, for a relay on loopback or a trusted network (the
// local MTA, which delivers onwards; a remote relay that needs TLS or AUTH is reached through
// the local MTA's own relayhost).
//
//   greeting 2yz; EHLO (HELO after a 5yz to EHLO) 2yz; MAIL FROM:<from> 2yz; one RCPT TO:<to>
//   per recipient, 2yz each; DATA 3yz; the message with CRLF line ends and a '.' doubled at the
//   start of a line, then ".", 2yz; QUIT.
//
// Each step waits at most its timeout (SmtpTimeouts). Any other reply, a malformed reply or a
// broken connection ends the dialogue with an error naming the relay and the step and quoting
// the relay's reply. Recipients are taken one by one: the message goes to those the relay
// accepts, and the result names each refused one with its reply (an error, so the caller logs
// and counts it); with none accepted nothing is sent. BODY=8BITMIME is declared when the
// message has 8-bit octets and the relay offers 8BITMIME.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "app/report/delivery.hpp"
#include "conf/config.hpp"

namespace enma::report {

struct SmtpTimeouts {
    // Connecting, each command's reply, and sending the whole message.
    std::chrono::milliseconds m_step{std::chrono::seconds(30)};
    // The reply to the final "." (the relay runs its content filters and milters then).
    std::chrono::milliseconds m_data_end{std::chrono::seconds(120)};
};

struct SmtpSubmission {
    std::string m_from;                     // the envelope sender (report.email)
    std::vector<std::string> m_recipients;  // addr-specs, each its own RCPT TO
    std::string_view m_message;             // RFC 5322, CRLF or LF line ends
};

// send_with_smtp - the whole dialogue with `relay`; "" when every recipient was accepted
// and the relay took the message.
DeliveryResult send_with_smtp(const conf::SmtpRelay& relay, const SmtpSubmission& submission,
                              const SmtpTimeouts& timeouts = {});

// smtp_data - `message` as DATA sends it: every line ended by CRLF (a bare LF or CR becomes
// CRLF), a '.' at the start of a line doubled, and the final ".\r\n".
std::string smtp_data(std::string_view message);

}  // namespace enma::report
