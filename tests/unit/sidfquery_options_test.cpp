// sidfquery_options_test.cpp - sidfquery's command line: ENMA's options, operands, and every
// usage error with its exact message.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

#include "app/sidfquery/sidfquery_options.hpp"

using enma::app::AddressFamily;
using enma::app::QueryMode;
using enma::app::SidfqueryOptions;
using enma::app::UsageError;

namespace {

SidfqueryOptions parse(std::initializer_list<const char*> words) {
    const std::vector<std::string> args(words.begin(), words.end());
    return enma::app::parse_options(args);
}

// error_of - the UsageError message for `words`, or "no error".
std::string error_of(std::initializer_list<const char*> words) {
    try {
        parse(words);
    } catch (const UsageError& error) {
        return error.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("defaults: SPF, both families, HELO from the domain of ADDRESS") {
    const auto options = parse({"user@example.jp", "192.0.2.1"});
    CHECK(options.m_mode == QueryMode::spf);
    CHECK(options.m_family == AddressFamily::any);
    CHECK_FALSE(options.m_verbose);
    CHECK_FALSE(options.m_help);
    CHECK(options.m_config_file.empty());
    CHECK(options.m_overrides.empty());
    CHECK(options.m_address == "user@example.jp");
    CHECK(options.m_mailbox == "user@example.jp");
    CHECK(options.m_domain == "example.jp");
    CHECK(options.m_helo == "example.jp");
    REQUIRE(options.m_targets.size() == 1);
    CHECK(options.m_targets[0].m_text == "192.0.2.1");
    CHECK(options.m_targets[0].m_address->to_string() == "192.0.2.1");
}

TEST_CASE("modes and families: the last one given wins, as with ENMA's getopt") {
    CHECK(parse({"-m", "u@example.jp", "192.0.2.1"}).m_mode == QueryMode::sidf_mfrom);
    CHECK(parse({"-p", "u@example.jp", "192.0.2.1"}).m_mode == QueryMode::sidf_pra);
    CHECK(parse({"-m", "-s", "u@example.jp", "192.0.2.1"}).m_mode == QueryMode::spf);
    CHECK(parse({"-spm", "u@example.jp", "192.0.2.1"}).m_mode == QueryMode::sidf_mfrom);
    CHECK(parse({"-4", "u@example.jp", "192.0.2.1"}).m_family == AddressFamily::v4);
    CHECK(parse({"-6", "u@example.jp", "2001:db8::1"}).m_family == AddressFamily::v6);
    CHECK(parse({"-46", "u@example.jp", "2001:db8::1"}).m_family == AddressFamily::v6);
}

TEST_CASE("bundles, option values in the same word or the next, options after operands") {
    const auto options =
        parse({"-mv4", "-cenma.conf", "-o", "resolver.mode=system", "-oresolver.dnssec=false",
               "u@example.jp", "192.0.2.1", "--helo", "mx.example.net", "-v"});
    CHECK(options.m_mode == QueryMode::sidf_mfrom);
    CHECK(options.m_family == AddressFamily::v4);
    CHECK(options.m_verbose);
    CHECK(options.m_config_file == "enma.conf");
    CHECK(options.m_overrides ==
          std::vector<std::string>{"resolver.mode=system", "resolver.dnssec=false"});
    CHECK(options.m_helo == "mx.example.net");
    CHECK(parse({"-c", "/etc/enma.conf", "u@example.jp", "192.0.2.1"}).m_config_file ==
          "/etc/enma.conf");
    CHECK(parse({"--helo=mx.example.net", "u@example.jp", "192.0.2.1"}).m_helo == "mx.example.net");
}

TEST_CASE("operands: literals of both families, host names, display-name mailboxes") {
    const auto options =
        parse({"Joe <joe@example.jp>", "2001:DB8::1", "mail.example.jp", "::ffff:192.0.2.7"});
    CHECK(options.m_address == "Joe <joe@example.jp>");
    CHECK(options.m_mailbox == "joe@example.jp");
    REQUIRE(options.m_targets.size() == 3);
    CHECK(options.m_targets[0].m_address->to_string() == "2001:db8::1");
    CHECK(options.m_targets[1].m_text == "mail.example.jp");
    CHECK_FALSE(options.m_targets[1].m_address);
    CHECK(options.m_targets[2].m_address->is_v4());  // v4-mapped is evaluated as IPv4
}

TEST_CASE("the null reverse-path <> with --helo; -- ends the options") {
    const auto options = parse({"--helo", "mx.example.net", "--", "<>", "192.0.2.1"});
    CHECK(options.m_address == "<>");
    CHECK(options.m_mailbox.empty());
    CHECK(options.m_domain.empty());
    CHECK(options.m_helo == "mx.example.net");
    CHECK(error_of({"--", "u@example.jp", "-v"}) ==
          "\"-v\" is neither an IP address nor a host name");
}

TEST_CASE("-h needs no operands") {
    CHECK(parse({"-h"}).m_help);
    CHECK(parse({"--help"}).m_help);
    CHECK(parse({"-vh", "not a mailbox"}).m_help);
    const std::string text = enma::app::usage_text();
    for (const char* option : {"-s ", "-m ", "-p ", "-4 ", "-6 ", "-v ", "-c FILE", "-o KEY=VALUE",
                               "--helo NAME", "Exit status"})
        CHECK_MESSAGE(text.find(option) != std::string::npos, option);
}

TEST_CASE("docs/sidfquery.md quotes the -h text as it is") {
    const char* source_dir = std::getenv("ENMA_SOURCE_DIR");
    REQUIRE_MESSAGE(source_dir != nullptr, "ENMA_SOURCE_DIR is not set (ctest sets it)");
    std::ifstream in(std::string(source_dir) + "/docs/sidfquery.md");
    REQUIRE(in);
    std::ostringstream doc;
    doc << in.rdbuf();
    CHECK_MESSAGE(doc.str().find("```\n" + enma::app::usage_text() + "```\n") != std::string::npos,
                  "update the Usage section of docs/sidfquery.md from `sidfquery -h`");
}

TEST_CASE("usage errors name the problem") {
    CHECK(error_of({}) == "missing ADDRESS and IP-OR-HOSTNAME");
    CHECK(error_of({"-v"}) == "missing ADDRESS and IP-OR-HOSTNAME");
    CHECK(error_of({"u@example.jp"}) == "missing IP-OR-HOSTNAME after \"u@example.jp\"");
    CHECK(error_of({"-x", "u@example.jp", "192.0.2.1"}) == "unknown option -x");
    CHECK(error_of({"-vq", "u@example.jp", "192.0.2.1"}) == "unknown option -q");
    CHECK(error_of({"--verbose", "u@example.jp", "192.0.2.1"}) == "unknown option --verbose");
    CHECK(error_of({"--help=1"}) == "unknown option --help");
    CHECK(error_of({"u@example.jp", "192.0.2.1", "-c"}) == "-c needs a FILE");
    CHECK(error_of({"-c", "", "u@example.jp", "192.0.2.1"}) == "-c needs a FILE");
    CHECK(error_of({"u@example.jp", "192.0.2.1", "-o"}) == "-o needs a KEY=VALUE");
    CHECK(error_of({"-o", "resolver.mode", "u@example.jp", "192.0.2.1"}) ==
          "-o expects KEY=VALUE, got \"resolver.mode\"");
    CHECK(error_of({"-o", "=forward", "u@example.jp", "192.0.2.1"}) ==
          "-o expects KEY=VALUE, got \"=forward\"");
    CHECK(error_of({"u@example.jp", "192.0.2.1", "--helo"}) == "--helo needs a NAME");
    CHECK(error_of({"--helo=", "u@example.jp", "192.0.2.1"}) == "--helo needs a NAME");
}

TEST_CASE("operand errors") {
    CHECK(error_of({"example.jp", "192.0.2.1"}) ==
          "ADDRESS \"example.jp\" is not a mailbox (local-part@domain)");
    CHECK(error_of({"a@example.jp, b@example.jp", "192.0.2.1"}) ==
          "ADDRESS \"a@example.jp, b@example.jp\" is not a mailbox (local-part@domain)");
    CHECK(error_of({"<>", "192.0.2.1"}) == "ADDRESS <> (the null reverse-path) needs --helo NAME");
    CHECK(error_of({"-p", "--helo", "mx.example.net", "<>", "192.0.2.1"}) ==
          "-p needs a mailbox: the null reverse-path <> has no PRA");
    CHECK(error_of({"u@example.jp", "192.0.2.999"}) ==
          "\"192.0.2.999\" is neither an IP address nor a host name");
    CHECK(error_of({"u@example.jp", "2001:db8::zz"}) ==
          "\"2001:db8::zz\" is neither an IP address nor a host name");
    CHECK(error_of({"u@example.jp", "bad..name.example"}) ==
          "\"bad..name.example\" is neither an IP address nor a host name");
    CHECK(error_of({"-4", "u@example.jp", "192.0.2.1", "2001:db8::1"}) ==
          "-4 was given, but \"2001:db8::1\" is an IPv6 address");
    CHECK(error_of({"-6", "u@example.jp", "192.0.2.1"}) ==
          "-6 was given, but \"192.0.2.1\" is an IPv4 address");
}

TEST_CASE("mode names for the verbose output") {
    CHECK(enma::app::to_string(QueryMode::spf) == "spf");
    CHECK(enma::app::to_string(QueryMode::sidf_mfrom) == "sidf/mfrom");
    CHECK(enma::app::to_string(QueryMode::sidf_pra) == "sidf/pra");
}

// The openspf cases (rfc7208-tests.yml) that found these: "emptylabel" a@A...example.com,
// "toolonglabel"'s neighbours, "nolocalpart" @example.net, "domain-literal" foo@[1.2.3.5],
// "trailing-dot-*" a@example.com., "macro-mania-in-domain"'s "Macro Error@e8.example.com".
// sidfquery hands them to check_host() as the milter does (RFC 7208 section 4.3 decides).
TEST_CASE("envelope senders that are no mailbox still reach SPF") {
    for (const char* text : {"a@A...example.com", "@example.net", "foo@[1.2.3.5]", "a@example.com.",
                             "Macro Error@e8.example.com"}) {
        INFO(text);
        const auto options = parse({"--helo", "h.example", text, "192.0.2.1"});
        CHECK(options.m_mailbox == text);
        CHECK(options.m_address == text);
    }
    CHECK(parse({"<@example.net>", "192.0.2.1"}).m_mailbox == "@example.net");
    CHECK(parse({"@example.net", "192.0.2.1"}).m_helo == "example.net");
    CHECK(parse({"-m", "foo@[1.2.3.5]", "192.0.2.1"}).m_mailbox == "foo@[1.2.3.5]");
    CHECK(error_of({"-p", "@example.net", "192.0.2.1"}) ==
          "ADDRESS \"@example.net\" is not a mailbox (local-part@domain)");
}
