// smtp_script_server.hpp - a loopback SMTP server for one client connection that plays a
// script, for the SMTP client's tests.
//
// It listens on 127.0.0.1 on a free port, accepts one connection (waiting at most 10 s),
// sends the greeting, then answers each line the client sends with the reply of the first
// rule whose command is a prefix of the line ("500 unknown" if none). After a 354 reply it
// takes the message up to the line "." and answers it with the rule for ".". A reply of
// kHang sends nothing (the client's timeout is what ends the session); kClose closes the
// connection. The transcript is every line received, CRLF kept, DATA content as sent.
#pragma once

#include <cstdint>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace enma::testing {

class SmtpScriptServer {
public:
    using Rule = std::pair<std::string, std::string>;  // command prefix, reply (CRLF included)
    static constexpr const char* kHang = "<hang>";
    static constexpr const char* kClose = "<close>";

    SmtpScriptServer(std::string greeting, std::vector<Rule> rules);
    ~SmtpScriptServer();
    SmtpScriptServer(const SmtpScriptServer&) = delete;
    SmtpScriptServer& operator=(const SmtpScriptServer&) = delete;

    std::uint16_t port() const noexcept { return m_port; }
    // transcript - what the client sent; waits until the session has ended.
    const std::string& transcript();

private:
    void serve();
    void session(int fd);
    // answer - the reply to `line`; false when the session ends.
    bool answer(int fd, const std::string& line, bool& in_data);

    std::string m_greeting;
    std::vector<Rule> m_rules;
    int m_listener = -1;
    std::uint16_t m_port = 0;
    std::string m_transcript;
    std::thread m_thread;
};

}  // namespace enma::testing
