// conf_loader_test.cpp - enma.conf format, error messages, precedence, cross-key checks.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "conf/config_error.hpp"
#include "conf/config_loader.hpp"
#include "conf/config_render.hpp"

using namespace enma::conf;
using namespace std::chrono_literals;

namespace {

// error_of - what() of the ConfigError that parsing throws, or "no error".
std::string error_of(std::string_view text, std::vector<std::string> overrides = {}) {
    try {
        parse_config_text(text, "enma.conf", overrides);
    } catch (const ConfigError& error) {
        return error.what();
    }
    return "no error";
}

// An ENMA 1.2 style file: its keys, its spacing, its comment style.
constexpr std::string_view enma12_file = R"(#
# enma configuration as ENMA 1.2 wrote it
#

## Milter ##
milter.socket:  inet:20025@192.0.2.25
milter.user:    mailnull
milter.pidfile: /var/run/enma/enma.pid
milter.chdir:   /var/tmp
milter.timeout: 600
milter.loglevel:   2
milter.sendmail813: false
milter.postfix: true

## Network ##
common.exclusion_addresses: 127.0.0.1,::1,10.0.0.0/8

## Syslog ##
syslog.ident:       enma-test
syslog.facility:    mail
syslog.logmask:     notice

## SPF ##
spf.auth: true
spf.explog: false

## SIDF ##
sidf.auth: false
sidf.explog: true

## DKIM ##
dkim.auth: yes
dkim.signheader_limit: 5
dkim.accept_expired_signature: on
dkim.rfc4871_compatible: 0

## DKIM ADSP ##
dkimadsp.auth: true

## Authentication-Results ##
authresult.identifier: mx.example.jp
)";

}  // namespace

TEST_CASE("defaults are the documented ones") {
    const Config c = default_config();
    CHECK(c.m_milter.m_socket == "inet:10025@127.0.0.1");
    CHECK(c.m_milter.m_user.empty());
    CHECK(c.m_milter.m_timeout == 7210s);
    CHECK(c.m_milter.m_verify_deadline == 10s);
    CHECK(c.m_milter.m_fail_action == FailAction::accept);
    CHECK(c.m_milter.m_skip_authenticated);
    CHECK(c.m_syslog.m_facility == SyslogFacility::local4);
    CHECK(c.m_syslog.m_logmask == SyslogPriority::info);
    REQUIRE(c.m_common.m_exclusion_addresses.size() == 2);
    CHECK(c.m_common.m_exclusion_addresses[1].to_string() == "::1/128");
    CHECK(c.m_spf.m_auth);
    CHECK(c.m_sidf.m_auth);
    CHECK(c.m_dkim.m_signheader_limit == 10);
    CHECK_FALSE(c.m_dkimadsp.m_auth);
    CHECK(c.m_authresult.m_identifier.empty());
    CHECK(c.m_resolver.m_mode == ResolverMode::recursive);
    CHECK(c.m_resolver.m_dnssec);
    CHECK(c.m_resolver.m_trust_anchor_file == "/usr/share/dns/root.key");
    CHECK(c.m_resolver.m_edns_buffer_size == 1232);
    CHECK(c.m_resolver.m_query_timeout == 5s);
    CHECK(c.m_resolver.m_cache_size == 32ULL << 20);
    CHECK(c.m_resolver.m_max_queries_per_message == 256);
    CHECK(c.m_log.m_target == LogTarget::syslog);
    CHECK(c.m_log.m_level == LogLevel::info);
    CHECK_FALSE(c.m_dmarc.m_auth);
    CHECK_FALSE(c.m_arc.m_auth);
    CHECK_FALSE(c.m_iprev.m_auth);
}

TEST_CASE("an ENMA 1.2 style file parses") {
    const Config c = parse_config_text(enma12_file, "enma.conf");
    CHECK(c.m_milter.m_socket == "inet:20025@192.0.2.25");
    CHECK(c.m_milter.m_user == "mailnull");
    CHECK(c.m_milter.m_timeout == 600s);
    CHECK(c.m_milter.m_loglevel == 2);
    CHECK(c.m_milter.m_postfix);
    REQUIRE(c.m_common.m_exclusion_addresses.size() == 3);
    CHECK(c.m_common.m_exclusion_addresses[2].to_string() == "10.0.0.0/8");
    CHECK(c.m_syslog.m_ident == "enma-test");
    CHECK(c.m_syslog.m_facility == SyslogFacility::mail);
    CHECK(c.m_syslog.m_logmask == SyslogPriority::notice);
    CHECK_FALSE(c.m_spf.m_explog);
    CHECK_FALSE(c.m_sidf.m_auth);
    CHECK(c.m_dkim.m_signheader_limit == 5);
    CHECK(c.m_dkim.m_accept_expired_signature);
    CHECK_FALSE(c.m_dkim.m_rfc4871_compatible);
    CHECK(c.m_dkimadsp.m_auth);
    CHECK(c.m_authresult.m_identifier == "mx.example.jp");
}

TEST_CASE("format: case-insensitive keys, trimmed values, comments, CRLF, empty value") {
    const Config c = parse_config_text(
        "\xef\xbb\xbf  # indented comment\r\n\r\nSPF.Auth :\tfalse  \r\n"
        "milter.user:\nsyslog.ident: a#b\n",
        "x");
    CHECK_FALSE(c.m_spf.m_auth);
    CHECK(c.m_milter.m_user.empty());
    CHECK(c.m_syslog.m_ident == "a#b");  // '#' inside a value is data, as in ENMA
}

TEST_CASE("a value may contain ':' (split at the first one)") {
    const Config c = parse_config_text("milter.socket: inet6:10025@::1\n", "x");
    CHECK(c.m_milter.m_socket == "inet6:10025@::1");
}

TEST_CASE("errors name file, line, key and why") {
    CHECK(error_of("\n\nspf.auth: maybe\n") ==
          "enma.conf:3: spf.auth: expected true or false (also yes/no, on/off, 1/0), got 'maybe'");
    CHECK(error_of("resolver.edns_buffer_size: 8192") ==
          "enma.conf:1: resolver.edns_buffer_size: must be between 512 and 4096, got 8192");
    CHECK(error_of("# ok\njust some words\n") ==
          "enma.conf:2: expected 'key: value', got 'just some words'");
    CHECK(error_of(": value\n") == "enma.conf:1: expected 'key: value', got ': value'");
    CHECK(error_of("milter.timeout: 1500ms") ==
          "enma.conf:1: milter.timeout: must be whole seconds, got 1500ms");
    CHECK(error_of("authresult.identifier: mx example") ==
          "enma.conf:1: authresult.identifier: expected a word of printable characters without "
          "blanks or \"(),;, got 'mx example'");
    CHECK(error_of("syslog.ident:") ==
          "enma.conf:1: syslog.ident: expected a word of printable characters without blanks or "
          "\"(),;, got ''");
}

TEST_CASE("a trailing comment gets a hint") {
    CHECK(error_of("spf.auth: true # on") ==
          "enma.conf:1: spf.auth: expected true or false (also yes/no, on/off, 1/0), got 'true "
          "# on'; note that '#' starts a comment only at the beginning of a line");
}

TEST_CASE("unknown keys suggest the nearest one") {
    CHECK(error_of("milter.sockt: inet:1@127.0.0.1") ==
          "enma.conf:1: milter.sockt: unknown key; did you mean 'milter.socket'?");
    CHECK(error_of("DKIM.SignHeaderLimit: 3") ==
          "enma.conf:1: dkim.signheaderlimit: unknown key; did you mean 'dkim.signheader_limit'?");
    CHECK(error_of("no.such.thing: 1") == "enma.conf:1: no.such.thing: unknown key");
    CHECK(error_of("milter.conffile: /etc/enma.conf") ==
          "enma.conf:1: milter.conffile: not a configuration key here; give the file with -c "
          "FILE");
}

TEST_CASE("enum values suggest the nearest name") {
    CHECK(error_of("log.level: warning") ==
          "enma.conf:1: log.level: expected one of trace, debug, info, warn, error, got "
          "'warning'; did you mean 'warn'?");
    CHECK(error_of("syslog.logmask: warn") ==
          "enma.conf:1: syslog.logmask: expected one of emerg, alert, crit, err, warning, "
          "notice, info, debug, got 'warn'; did you mean 'warning'?");
}

TEST_CASE("a duplicate key in the file is an error, whatever its case") {
    CHECK(error_of("spf.auth: true\n\nSPF.AUTH: false\n") ==
          "enma.conf:3: spf.auth: duplicate key (first set at line 1)");
}

TEST_CASE("overrides beat the file, the file beats defaults") {
    const std::vector<std::string> overrides{"spf.auth=false", " DKIM.Auth = no ",
                                             "milter.socket=unix:/run/enma.sock"};
    const Config c = parse_config_text("spf.auth: true\nsidf.auth: false\n", "f", overrides);
    CHECK_FALSE(c.m_spf.m_auth);                          // -o over file
    CHECK_FALSE(c.m_sidf.m_auth);                         // file over default
    CHECK_FALSE(c.m_dkim.m_auth);                         // -o over default
    CHECK(c.m_milter.m_socket == "unix:/run/enma.sock");  // '=' and ':' in values
    CHECK(c.m_resolver.m_edns_buffer_size == 1232);       // default
}

TEST_CASE("override errors are reported as -o:N") {
    CHECK(error_of("", {"spf.auth=true", "dkim.auth=perhaps"}) ==
          "-o:2: dkim.auth: expected true or false (also yes/no, on/off, 1/0), got 'perhaps'");
    CHECK(error_of("", {"spf.auth"}) == "-o:1: expected key=value, got 'spf.auth'");
    CHECK(error_of("", {"spf.auht=true"}) ==
          "-o:1: spf.auht: unknown key; did you mean 'spf.auth'?");
    CHECK(error_of("", {"spf.auth=true", "spf.auth=false"}) ==
          "-o:2: spf.auth: duplicate key (first set at -o:1)");
    // A bad file value is reported even when an override would replace it.
    CHECK(error_of("spf.auth: maybe\n", {"spf.auth=true"}) ==
          "enma.conf:1: spf.auth: expected true or false (also yes/no, on/off, 1/0), got 'maybe'");
}

TEST_CASE("cross-key rules name the key the user set") {
    CHECK(error_of("log.target: file\n") ==
          "enma.conf:1: log.target: log.target is file but log.file is empty");
    CHECK(error_of("log.target: file\nlog.file:\n") ==
          "enma.conf:2: log.file: log.target is file but log.file is empty");
    CHECK(error_of("resolver.mode: forward\n") ==
          "enma.conf:1: resolver.mode: resolver.mode is forward but resolver.forwarders is empty");
    CHECK(error_of("", {"resolver.trust_anchor_file="}) ==
          "-o:1: resolver.trust_anchor_file: resolver.dnssec is true but "
          "resolver.trust_anchor_file is empty");
    CHECK(error_of("milter.timeout: 10\n") ==
          "enma.conf:1: milter.timeout: milter.verify_deadline (10s) must be shorter than "
          "milter.timeout (10s)");
    CHECK(error_of("resolver.dnssec: false\nresolver.trust_anchor_file:\n") == "no error");
    const Config c = parse_config_text(
        "resolver.mode: forward\nresolver.forwarders: 192.0.2.1, 192.0.2.2@5353\n"
        "log.target: file\nlog.file: /var/log/enma.log\n",
        "x");
    CHECK(c.m_resolver.m_forwarders.size() == 2);
    CHECK(c.m_log.m_target == LogTarget::file);
}

TEST_CASE("render_effective round-trips") {
    const Config first = parse_config_text(
        std::string(enma12_file) +
            "resolver.stub_zones: corp.example=10.0.0.1, corp.example=10.0.0.2@5353\n"
            "resolver.cache_size: 1536K\nmilter.verify_deadline: 1500ms\n",
        "x");
    const std::string text = render_effective(first);
    CHECK(text.find("resolver.stub_zones: corp.example=10.0.0.1, corp.example=10.0.0.2@5353\n") !=
          std::string::npos);
    CHECK(text.find("common.exclusion_addresses: 127.0.0.1, ::1, 10.0.0.0/8\n") !=
          std::string::npos);
    CHECK(text.find("resolver.cache_size: 1536K\n") != std::string::npos);
    CHECK(text.find("milter.user: mailnull\n") != std::string::npos);
    CHECK(text.find("resolver.forwarders:\n") != std::string::npos);
    CHECK(render_effective(parse_config_text(text, "again")) == text);
}

TEST_CASE("load_config reads a file; a missing file is a ConfigError") {
    const auto path = std::filesystem::temp_directory_path() / "conf_loader_test.conf";
    {
        std::ofstream out(path);
        out << "spf.auth: off\nbogus.key: 1\n";
    }
    try {
        load_config(path);
        FAIL("no error");
    } catch (const ConfigError& error) {
        CHECK(error.origin() == path.string());
        CHECK(error.line() == 2);
        CHECK(error.key() == "bogus.key");
        CHECK(error.why() == "unknown key");
    }
    {
        std::ofstream out(path);
        out << "spf.auth: off\n";
    }
    CHECK_FALSE(load_config(path, std::vector<std::string>{"sidf.auth=0"}).m_sidf.m_auth);
    std::filesystem::remove(path);
    CHECK_THROWS_WITH_AS(load_config(path),
                         (path.string() + ": cannot open: No such file or directory").c_str(),
                         ConfigError);
    CHECK(load_config("", std::vector<std::string>{"spf.auth=no"}).m_spf.m_auth == false);
}

TEST_CASE("milter.socket_mode takes octal permission bits; milter.socket_group a word") {
    CHECK(default_config().m_milter.m_socket_mode == 0660);
    const auto config =
        parse_config_text("milter.socket_mode: 600\nmilter.socket_group: postfix\n", "t.conf");
    CHECK(config.m_milter.m_socket_mode == 0600);
    CHECK(config.m_milter.m_socket_group == "postfix");
    CHECK(render_effective(config).find("milter.socket_mode: 0600\n") != std::string::npos);
    CHECK_THROWS_AS(parse_config_text("milter.socket_mode: 0668\n", "t.conf"), ConfigError);
    CHECK_THROWS_AS(parse_config_text("milter.socket_mode: rw-rw----\n", "t.conf"), ConfigError);
}
