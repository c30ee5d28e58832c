// enma_check_options_test.cpp - enma-check's command line: every flag, both value forms,
// the operand, and each usage error.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "app/enma-check/enma_check_options.hpp"

using enma::app::CheckUsageError;
using enma::app::Folding;
using enma::app::parse_check_options;

namespace {

enma::app::EnmaCheckOptions parse(std::vector<std::string> args) {
    return parse_check_options(args);
}

}  // namespace

TEST_CASE("no arguments: standard input, nothing set") {
    const auto options = parse({});
    CHECK(options.m_input.empty());
    CHECK_FALSE(options.m_ip);
    CHECK_FALSE(options.m_json);
    CHECK_FALSE(options.m_seal);
    CHECK(options.m_folding == Folding::automatic);
    CHECK(options.m_overrides.empty());
}

TEST_CASE("every flag, values as next argument and after '='") {
    const auto options =
        parse({"--ip", "192.0.2.1", "--helo=mail.example.org", "--mail-from", "<user@example.org>",
               "--rcpt", "a@example.net", "--rcpt=b@example.net", "--hostname", "mail.example.org",
               "--json", "--seal", "--crlf", "-c", "/etc/enma.conf", "-o", "resolver.mode=forward",
               "-oresolver.forwarders=127.0.0.1@5353", "message.eml"});
    REQUIRE(options.m_ip);
    CHECK(options.m_ip->to_string() == "192.0.2.1");
    CHECK(options.m_helo == "mail.example.org");
    CHECK(options.m_mail_from == "<user@example.org>");
    CHECK(options.m_rcpts == std::vector<std::string>{"a@example.net", "b@example.net"});
    CHECK(options.m_hostname == "mail.example.org");
    CHECK(options.m_json);
    CHECK(options.m_seal);
    CHECK(options.m_folding == Folding::crlf);
    CHECK(options.m_config_file == "/etc/enma.conf");
    CHECK(options.m_overrides ==
          std::vector<std::string>{"resolver.mode=forward", "resolver.forwarders=127.0.0.1@5353"});
    CHECK(options.m_input == "message.eml");
}

TEST_CASE("IPv6, --lf, help, '-' and options after the operand") {
    const auto options = parse({"-", "--ip=2001:db8::1", "--lf", "-h"});
    CHECK(options.m_ip->to_string() == "2001:db8::1");
    CHECK(options.m_folding == Folding::lf);
    CHECK(options.m_help);
    CHECK(options.m_input == "-");
}

TEST_CASE("short options combine and attach; -V and --version") {
    const auto options = parse({"-hVc/etc/enma.conf", "-oresolver.mode=system"});
    CHECK(options.m_help);
    CHECK(options.m_version);
    CHECK(options.m_config_file == "/etc/enma.conf");
    CHECK(options.m_overrides == std::vector<std::string>{"resolver.mode=system"});
    CHECK(parse({"--version"}).m_version);
}

TEST_CASE("'--' ends the options") {
    CHECK(parse({"--", "--json"}).m_input == "--json");
}

TEST_CASE("an empty envelope sender is kept as given") {
    CHECK(parse({"--mail-from", "<>"}).m_mail_from == "<>");
    CHECK(parse({"--mail-from="}).m_mail_from.empty());
}

TEST_CASE("usage errors") {
    struct Case {
        std::vector<std::string> m_args;
        const char* m_message;
    };
    for (const auto& c : {
             Case{{"--ip", "300.1.1.1"}, "--ip: not an IPv4 or IPv6 address: 300.1.1.1"},
             Case{{"--ip"}, "--ip needs an ADDR"},
             Case{{"-c"}, "-c needs a FILE"},
             Case{{"-o", "resolver.mode"}, "-o expects KEY=VALUE, got \"resolver.mode\""},
             Case{{"--bogus"}, "unknown option --bogus"},
             Case{{"-x"}, "unknown option -x"},
             Case{{"--json=1"}, "unknown option --json"},
             Case{{"a.eml", "b.eml"}, "more than one message file: a.eml and b.eml"},
         }) {
        CAPTURE(c.m_message);
        CHECK_THROWS_WITH_AS(parse(c.m_args), c.m_message, CheckUsageError);
    }
}

TEST_CASE("the usage text names every flag and the exit codes") {
    const std::string text = enma::app::check_usage_text();
    for (const char* flag : {"--ip", "--helo", "--mail-from", "--rcpt", "--hostname", "--json",
                             "--crlf", "--lf", "-c FILE", "-o KEY=VALUE", "Exit status"})
        CHECK(text.find(flag) != std::string::npos);
}
