// smtp_client.cpp - the dialogue, one step at a time, over an SmtpConnection.
#include "app/report/smtp_client.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>

#include "app/report/smtp_connection.hpp"

namespace enma::report {

namespace {

// client_name - the EHLO/HELO argument: this host's name ("localhost" if it has none).
std::string client_name() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0')
        return "localhost";
    return name;
}

// usable_address - nothing that could end the path or the command line early.
bool usable_address(std::string_view address) {
    return std::none_of(address.begin(), address.end(), [](char c) {
        const auto octet = static_cast<unsigned char>(c);
        return octet <= ' ' || octet == 0x7f || c == '<' || c == '>';
    });
}

bool has_8bit(std::string_view message) {
    return std::any_of(message.begin(), message.end(),
                       [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

// offers - whether an EHLO reply lists `keyword` (a line's first word, any case).
bool offers(const SmtpReply& reply, std::string_view keyword) {
    return std::any_of(reply.m_lines.begin(), reply.m_lines.end(), [&](const std::string& line) {
        const std::string_view word = std::string_view(line).substr(0, line.find(' '));
        return std::equal(word.begin(), word.end(), keyword.begin(), keyword.end(),
                          [](char a, char b) { return std::toupper(a) == std::toupper(b); });
    });
}

std::string joined(const std::vector<std::string>& texts) {
    std::string text;
    for (const auto& each : texts)
        text += (text.empty() ? "" : "; ") + each;
    return text;
}

// Dialogue - one submission: the connection, the last reply, and what went wrong.
class Dialogue {
public:
    Dialogue(const conf::SmtpRelay& relay, const SmtpTimeouts& timeouts)
        : m_relay(relay), m_timeouts(timeouts) {}

    DeliveryResult submit(const SmtpSubmission& submission);

private:
    std::string hello();
    std::string envelope(const SmtpSubmission& submission);
    std::string content(std::string_view message);
    // step - sends `command` (none for the greeting) and reads the reply; "" when its code
    // starts with `expected`, else the step and the reply (or the failure).
    std::string step(std::string_view command, char expected, std::chrono::milliseconds timeout);
    void quit();

    const conf::SmtpRelay& m_relay;
    const SmtpTimeouts& m_timeouts;
    SmtpConnection m_connection;
    SmtpReply m_reply;
    bool m_broken = false;               // the connection failed: no QUIT
    std::vector<std::string> m_refused;  // "RCPT TO:<x>: reply", one per refused recipient
    bool m_eight_bit = false;            // the relay offers 8BITMIME
};

std::string Dialogue::step(std::string_view command, char expected,
                           std::chrono::milliseconds timeout) {
    const std::string name = command.empty() ? std::string("greeting") : std::string(command);
    std::string error;
    if (!command.empty())
        error = m_connection.send(std::string(command) + "\r\n", m_timeouts.m_step);
    if (error.empty())
        error = m_connection.read_reply(m_reply, timeout);
    if (!error.empty()) {
        m_broken = true;
        return name + ": " + error;
    }
    if (m_reply.m_code / 100 != expected - '0')
        return name + ": " + m_reply.summary();
    return "";
}

std::string Dialogue::hello() {
    const std::string name = client_name();
    auto error = step("EHLO " + name, '2', m_timeouts.m_step);
    if (!error.empty() && !m_broken && m_reply.m_code / 100 == 5)
        return step("HELO " + name, '2', m_timeouts.m_step);
    m_eight_bit = error.empty() && offers(m_reply, "8BITMIME");
    return error;
}

// envelope - MAIL FROM and each RCPT TO; an error when the sender or every recipient is
// refused (the partly refused wait in m_refused).
std::string Dialogue::envelope(const SmtpSubmission& submission) {
    const bool declare = m_eight_bit && has_8bit(submission.m_message);
    auto error = step("MAIL FROM:<" + submission.m_from + ">" + (declare ? " BODY=8BITMIME" : ""),
                      '2', m_timeouts.m_step);
    if (!error.empty())
        return error;
    for (const auto& recipient : submission.m_recipients) {
        error = step("RCPT TO:<" + recipient + ">", '2', m_timeouts.m_step);
        if (m_broken)
            return error;
        if (!error.empty())
            m_refused.push_back(std::move(error));
    }
    if (m_refused.size() < submission.m_recipients.size())
        return "";
    error = joined(m_refused);
    m_refused.clear();
    return error;
}

std::string Dialogue::content(std::string_view message) {
    if (auto error = step("DATA", '3', m_timeouts.m_step); !error.empty())
        return error;
    if (auto error = m_connection.send(smtp_data(message), m_timeouts.m_step); !error.empty()) {
        m_broken = true;
        return "message: " + error;
    }
    if (auto error = m_connection.read_reply(m_reply, m_timeouts.m_data_end); !error.empty()) {
        m_broken = true;
        return "end of data: " + error;
    }
    return m_reply.positive() ? "" : "end of data: " + m_reply.summary();
}

void Dialogue::quit() {
    if (!m_broken)
        step("QUIT", '2', m_timeouts.m_step);
}

DeliveryResult Dialogue::submit(const SmtpSubmission& submission) {
    const std::string prefix = "SMTP relay " + m_relay.to_string() + ": ";
    if (auto error = m_connection.connect(m_relay.m_host, m_relay.m_port, m_timeouts.m_step);
        !error.empty())
        return prefix + error;
    auto error = step("", '2', m_timeouts.m_step);
    if (error.empty())
        error = hello();
    if (error.empty())
        error = envelope(submission);
    if (error.empty())
        error = content(submission.m_message);
    quit();
    if (!m_refused.empty())
        error += (error.empty() ? "" : "; ") + joined(m_refused) +
                 (error.empty() ? " (sent to the other recipients)" : "");
    return error.empty() ? "" : prefix + error;
}

}  // namespace

DeliveryResult send_with_smtp(const conf::SmtpRelay& relay, const SmtpSubmission& submission,
                              const SmtpTimeouts& timeouts) {
    if (relay.empty())
        return "report.smtp is not set";
    const auto bad = std::find_if_not(submission.m_recipients.begin(),
                                      submission.m_recipients.end(), usable_address);
    if (!usable_address(submission.m_from) || bad != submission.m_recipients.end() ||
        submission.m_recipients.empty())
        return "no usable envelope address for SMTP";
    return Dialogue(relay, timeouts).submit(submission);
}

std::string smtp_data(std::string_view message) {
    std::string data;
    data.reserve(message.size() + message.size() / 50 + 8);
    bool line_start = true;
    for (std::size_t i = 0; i < message.size(); ++i) {
        const char c = message[i];
        if (c == '\r' || c == '\n') {
            data += "\r\n";
            if (c == '\r' && i + 1 < message.size() && message[i + 1] == '\n')
                ++i;
            line_start = true;
            continue;
        }
        if (line_start && c == '.')
            data += '.';
        data += c;
        line_start = false;
    }
    if (!line_start)
        data += "\r\n";
    data += ".\r\n";
    return data;
}

}  // namespace enma::report
