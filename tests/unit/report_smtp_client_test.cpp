// report_smtp_client_test.cpp - the SMTP dialogue against a scripted loopback server: what
// the client sends, HELO after a refused EHLO, partly and wholly refused recipients, every
// refusal and broken connection as an error quoting the relay, the timeouts, 8BITMIME, and
// DATA's dot-stuffing. Also send_report_mail's choice between SMTP and sendmail.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "app/report/delivery.hpp"
#include "app/report/smtp_client.hpp"
#include "tests/support/smtp_script_server.hpp"

using namespace enma::report;
using enma::conf::SmtpRelay;
using enma::testing::SmtpScriptServer;

namespace {

const std::string kMessage = "From: d@r.example\r\nTo: a@p.example\r\n\r\nbody\r\n.hidden\r\n";

std::string hostname() {
    char name[256] = {};
    ::gethostname(name, sizeof name - 1);
    return name;
}

// accepting - a relay that accepts everything, with `extra` rules first.
std::vector<SmtpScriptServer::Rule> accepting(std::vector<SmtpScriptServer::Rule> extra = {}) {
    const std::vector<SmtpScriptServer::Rule> rules{
        {"EHLO", "250-relay.example\r\n250-PIPELINING\r\n250 SIZE 10240000\r\n"},
        {"HELO", "250 relay.example\r\n"},
        {"MAIL", "250 2.1.0 Ok\r\n"},
        {"RCPT", "250 2.1.5 Ok\r\n"},
        {"DATA", "354 End data with <CR><LF>.<CR><LF>\r\n"},
        {".", "250 2.0.0 Ok: queued as 4ABC\r\n"},
        {"QUIT", "221 2.0.0 Bye\r\n"}};
    extra.insert(extra.end(), rules.begin(), rules.end());
    return extra;
}

SmtpRelay relay_of(const SmtpScriptServer& server) {
    return SmtpRelay{"127.0.0.1", server.port()};
}

SmtpSubmission submission(std::vector<std::string> recipients = {"a@p.example"}) {
    return {"d@r.example", std::move(recipients), kMessage};
}

}  // namespace

TEST_CASE("a whole submission: what the client sends, in order") {
    SmtpScriptServer server("220 relay.example ESMTP\r\n", accepting());
    CHECK(send_with_smtp(relay_of(server), submission()) == "");
    CHECK(server.transcript() == "EHLO " + hostname() +
                                     "\r\nMAIL FROM:<d@r.example>\r\nRCPT TO:<a@p.example>\r\n"
                                     "DATA\r\nFrom: d@r.example\r\nTo: a@p.example\r\n\r\nbody\r\n"
                                     "..hidden\r\n.\r\nQUIT\r\n");
}

TEST_CASE("a host name is resolved; a multi-line greeting is read whole") {
    SmtpScriptServer server("220-relay.example\r\n220 ESMTP\r\n", accepting());
    CHECK(send_with_smtp(SmtpRelay{"localhost", server.port()}, submission()) == "");
    CHECK(server.transcript().find("RCPT TO:<a@p.example>\r\n") != std::string::npos);
}

TEST_CASE("EHLO refused with 5yz: HELO instead") {
    SmtpScriptServer server("220 old relay\r\n",
                            accepting({{"EHLO", "502 5.5.2 Error: command not recognized\r\n"}}));
    CHECK(send_with_smtp(relay_of(server), submission()) == "");
    const auto& transcript = server.transcript();
    CHECK(transcript.starts_with("EHLO " + hostname() + "\r\nHELO " + hostname() + "\r\n"));
    CHECK(transcript.find("\r\n.\r\n") != std::string::npos);
}

TEST_CASE("EHLO refused with 4yz: an error, no HELO") {
    SmtpScriptServer server("220 relay\r\n", accepting({{"EHLO", "421 4.3.2 busy\r\n"}}));
    const auto relay = relay_of(server);
    CHECK(send_with_smtp(relay, submission()) ==
          "SMTP relay " + relay.to_string() + ": EHLO " + hostname() + ": 421 4.3.2 busy");
    CHECK(server.transcript().find("HELO") == std::string::npos);
}

TEST_CASE("one recipient refused: sent to the others, the refused one named with the reply") {
    SmtpScriptServer server("220 relay\r\n",
                            accepting({{"RCPT TO:<b@p.example>",
                                        "550 5.1.1 <b@p.example>: Recipient address "
                                        "rejected: User unknown\r\n"}}));
    const auto relay = relay_of(server);
    CHECK(send_with_smtp(relay, submission({"a@p.example", "b@p.example", "c@p.example"})) ==
          "SMTP relay " + relay.to_string() +
              ": RCPT TO:<b@p.example>: 550 5.1.1 <b@p.example>: Recipient address rejected: "
              "User unknown (sent to the other recipients)");
    const auto& transcript = server.transcript();
    CHECK(transcript.find("RCPT TO:<c@p.example>\r\nDATA\r\n") != std::string::npos);
    CHECK(transcript.ends_with(".\r\nQUIT\r\n"));
}

TEST_CASE("every recipient refused: no DATA, each refusal named") {
    SmtpScriptServer server("220 relay\r\n", accepting({{"RCPT TO:<a", "554 5.7.1 denied a\r\n"},
                                                        {"RCPT TO:<b", "450 4.2.0 later\r\n"}}));
    const auto relay = relay_of(server);
    CHECK(send_with_smtp(relay, submission({"a@p.example", "b@p.example"})) ==
          "SMTP relay " + relay.to_string() +
              ": RCPT TO:<a@p.example>: 554 5.7.1 denied a; RCPT TO:<b@p.example>: 450 4.2.0 "
              "later");
    const auto& transcript = server.transcript();
    CHECK(transcript.find("DATA") == std::string::npos);
    CHECK(transcript.ends_with("RCPT TO:<b@p.example>\r\nQUIT\r\n"));
}

TEST_CASE("a refusal at each other step is an error quoting the relay's reply") {
    const std::string data_end = "554 5.7.1 rejected by a content filter\r\n";
    const std::pair<std::vector<SmtpScriptServer::Rule>, std::string> cases[] = {
        {{{"MAIL", "451 4.3.0 try later\r\n"}}, "MAIL FROM:<d@r.example>: 451 4.3.0 try later"},
        {{{"DATA", "503 5.5.1 no\r\n"}}, "DATA: 503 5.5.1 no"},
        {{{".", data_end}}, "end of data: 554 5.7.1 rejected by a content filter"},
    };
    for (const auto& item : cases) {
        INFO(item.second);
        const auto& [rules, why] = item;
        SmtpScriptServer server("220 relay\r\n", accepting(rules));
        const auto relay = relay_of(server);
        CHECK(send_with_smtp(relay, submission()) ==
              "SMTP relay " + relay.to_string() + ": " + why);
        CHECK(server.transcript().ends_with("QUIT\r\n"));
    }
}

TEST_CASE("a refusing greeting, a malformed reply, a closed connection") {
    {
        SmtpScriptServer server("554 5.3.2 not now\r\n", accepting());
        CHECK(send_with_smtp(relay_of(server), submission())
                  .ends_with(": greeting: 554 5.3.2 not now"));
        CHECK(server.transcript() == "QUIT\r\n");
    }
    {
        SmtpScriptServer server("220-relay\r\n221 changed\r\n", accepting());
        CHECK(send_with_smtp(relay_of(server), submission())
                  .ends_with(": greeting: malformed reply: reply code changes between lines"));
        CHECK(server.transcript() == "");  // no QUIT on a broken dialogue
    }
    {
        SmtpScriptServer server("220 relay\r\n", accepting({{"MAIL", SmtpScriptServer::kClose}}));
        CHECK(send_with_smtp(relay_of(server), submission())
                  .ends_with(": MAIL FROM:<d@r.example>: connection closed by the relay"));
    }
}

TEST_CASE("a relay that stops answering costs one step's timeout") {
    const SmtpTimeouts quick{std::chrono::milliseconds(200), std::chrono::milliseconds(200)};
    {
        SmtpScriptServer server(SmtpScriptServer::kHang, accepting());
        CHECK(send_with_smtp(relay_of(server), submission(), quick)
                  .ends_with(": greeting: waiting for a reply: timed out"));
    }
    {
        SmtpScriptServer server("220 relay\r\n", accepting({{".", SmtpScriptServer::kHang}}));
        CHECK(send_with_smtp(relay_of(server), submission(), quick)
                  .ends_with(": end of data: waiting for a reply: timed out"));
    }
}

TEST_CASE("nothing listening: the connect error") {
    // A port bound but not listening refuses connections.
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), size) == 0);
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0);
    const auto port = ntohs(address.sin_port);
    CHECK(send_with_smtp(SmtpRelay{"127.0.0.1", port}, submission()) ==
          "SMTP relay 127.0.0.1:" + std::to_string(port) + ": connect: Connection refused");
    ::close(fd);
}

TEST_CASE("addresses that could break the command line are refused before connecting") {
    const SmtpRelay relay{"127.0.0.1", 1};
    CHECK(send_with_smtp(relay, {"d@r.example", {"a@p.example>x"}, kMessage}) ==
          "no usable envelope address for SMTP");
    CHECK(send_with_smtp(relay, {"d@r example", {"a@p.example"}, kMessage}) ==
          "no usable envelope address for SMTP");
    CHECK(send_with_smtp(relay, {"d@r.example", {}, kMessage}) ==
          "no usable envelope address for SMTP");
    CHECK(send_with_smtp(SmtpRelay{}, submission()) == "report.smtp is not set");
}

TEST_CASE("BODY=8BITMIME when the message has 8-bit octets and the relay offers 8BITMIME") {
    const std::string eight_bit = "Subject: caf\xc3\xa9\r\n\r\nx\r\n";
    const auto offering =
        accepting({{"EHLO", "250-relay.example\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"}});
    {
        SmtpScriptServer server("220 relay\r\n", offering);
        CHECK(send_with_smtp(relay_of(server), {"d@r.example", {"a@p.example"}, eight_bit}) == "");
        CHECK(server.transcript().find("MAIL FROM:<d@r.example> BODY=8BITMIME\r\n") !=
              std::string::npos);
    }
    {
        SmtpScriptServer server("220 relay\r\n", offering);
        CHECK(send_with_smtp(relay_of(server), submission()) == "");  // 7-bit: no parameter
        CHECK(server.transcript().find("MAIL FROM:<d@r.example>\r\n") != std::string::npos);
    }
}

TEST_CASE("smtp_data: CRLF line ends, leading dots doubled, the final dot") {
    CHECK(smtp_data("a\r\n.b\r\n..c\r\nd.\r\n") == "a\r\n..b\r\n...c\r\nd.\r\n.\r\n");
    CHECK(smtp_data("a\nb\rc") == "a\r\nb\r\nc\r\n.\r\n");
    CHECK(smtp_data(".") == "..\r\n.\r\n");
    CHECK(smtp_data("") == ".\r\n");
    CHECK(smtp_data("a\r\n\r\n.\r\n") == "a\r\n\r\n..\r\n.\r\n");
}

TEST_CASE("send_report_mail: over SMTP when report.smtp is set, with To: as the recipient") {
    SmtpScriptServer server("220 relay\r\n", accepting());
    const MailTransport transport{"/nonexistent/sendmail", relay_of(server)};
    CHECK(send_report_mail(transport, "d@r.example", "rua@p.example", kMessage) == "");
    CHECK(server.transcript().find("RCPT TO:<rua@p.example>\r\n") != std::string::npos);
    const MailTransport sendmail{"/nonexistent/sendmail", {}};
    CHECK(send_report_mail(sendmail, "d@r.example", "rua@p.example", kMessage)
              .starts_with("/nonexistent/sendmail: "));
}
