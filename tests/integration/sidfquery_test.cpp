// sidfquery_test.cpp - the real sidfquery binary against NSD through libunbound.
//
// Each case runs app/sidfquery (its path comes from app/CMakeLists.txt) with the resolver
// forwarded to the fixture's NSD, and checks its exact stdout, its stderr and its exit status:
// SPF, Sender ID mfrom and pra, IPv4 and IPv6 clients, host names resolved to several
// addresses, -v, DNSSEC states, --helo and <>, temperror, and the usage errors. The policies
// are SIDFQUERY_RECORDS in fixture.py (sq.plain.example) and spf.signed.example.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/command.hpp"
#include "tests/integration/fixture_env.hpp"

#ifndef ENMA_SIDFQUERY_BINARY
#define ENMA_SIDFQUERY_BINARY ""
#endif

extern char** environ;

namespace {

using enma::integration::FixtureEnv;
using enma::integration::read_file;

struct Outcome {
    int m_status = -1;
    std::string m_out;
    std::string m_err;
};

// run_sidfquery - run the binary with `args`, stdout and stderr captured in files.
Outcome run_sidfquery(const std::vector<std::string>& args) {
    const std::string binary = ENMA_SIDFQUERY_BINARY;
    REQUIRE_MESSAGE(!binary.empty(), "ENMA_SIDFQUERY_BINARY is not set: build through CMake");
    const std::string dir = FixtureEnv::variable("ENMA_IT_DIR");
    const std::string out_path = dir + "/sidfquery.out";
    const std::string err_path = dir + "/sidfquery.err";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    std::vector<char*> argv{const_cast<char*>(binary.c_str())};
    for (const auto& arg : args)
        argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE_MESSAGE(rc == 0, "cannot run ", binary, ": ", std::strerror(rc));
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    Outcome outcome;
    outcome.m_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    outcome.m_out = read_file(out_path);
    outcome.m_err = read_file(err_path);
    return outcome;
}

// resolver_args - forward to NSD with validation off, then `args`.
std::vector<std::string> resolver_args(std::uint16_t port, std::vector<std::string> args) {
    std::vector<std::string> all{"-o", "resolver.mode=forward",
                                 "-o", "resolver.forwarders=127.0.0.1@" + std::to_string(port),
                                 "-o", "resolver.dnssec=false"};
    all.insert(all.end(), args.begin(), args.end());
    return all;
}

Outcome query(std::vector<std::string> args) {
    return run_sidfquery(resolver_args(FixtureEnv::load().m_nsd_port, std::move(args)));
}

// validating_args - forward to NSD and validate, anchored at signed.example (secure) and
// broken.example (bogus) only: both anchors in one resolver.trust_anchor_file.
std::vector<std::string> validating_args(std::vector<std::string> args) {
    const FixtureEnv env = FixtureEnv::load();
    const std::string anchors = FixtureEnv::variable("ENMA_IT_DIR") + "/sidfquery-anchors.key";
    std::ofstream(anchors) << env.m_signed_ds << '\n' << read_file(env.m_broken_key_file) << '\n';
    std::vector<std::string> all{
        "-o", "resolver.mode=forward",
        "-o", "resolver.forwarders=127.0.0.1@" + std::to_string(env.m_nsd_port),
        "-o", "resolver.trust_anchor_file=" + anchors};
    all.insert(all.end(), args.begin(), args.end());
    return all;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("SPF for IPv4 and IPv6 literals; fail is printed hardfail") {
    const Outcome outcome = query({"user@sq.plain.example", "198.18.1.5", "198.18.1.20",
                                   "198.18.1.40", "2001:db8:1::5", "2001:db8:2::1"});
    CHECK(outcome.m_status == 0);
    CHECK(outcome.m_out ==
          "user@sq.plain.example 198.18.1.5 pass\n"
          "user@sq.plain.example 198.18.1.20 hardfail\n"
          "user@sq.plain.example 198.18.1.40 pass\n"
          "user@sq.plain.example 2001:db8:1::5 pass\n"
          "user@sq.plain.example 2001:db8:2::1 hardfail\n");
    CHECK(outcome.m_err == "");
}

TEST_CASE("a host name is resolved to all its addresses, A then AAAA, each sorted") {
    const Outcome both = query({"-s", "user@sq.plain.example", "hosts.sq.plain.example"});
    CHECK(both.m_status == 0);
    CHECK(both.m_out ==
          "user@sq.plain.example 198.18.1.5 pass\n"
          "user@sq.plain.example 198.18.1.20 hardfail\n"
          "user@sq.plain.example 2001:db8:1::5 pass\n"
          "user@sq.plain.example 2001:db8:2::1 hardfail\n");
    const Outcome v4 = query({"-4", "user@sq.plain.example", "hosts.sq.plain.example"});
    CHECK(v4.m_status == 0);
    CHECK(v4.m_out ==
          "user@sq.plain.example 198.18.1.5 pass\n"
          "user@sq.plain.example 198.18.1.20 hardfail\n");
    const Outcome v6 = query({"-6", "user@sq.plain.example", "hosts.sq.plain.example"});
    CHECK(v6.m_status == 0);
    CHECK(v6.m_out ==
          "user@sq.plain.example 2001:db8:1::5 pass\n"
          "user@sq.plain.example 2001:db8:2::1 hardfail\n");
}

TEST_CASE("Sender ID mfrom prefers the spf2.0/mfrom record") {
    const Outcome outcome =
        query({"-m", "user@sq.plain.example", "hosts.sq.plain.example", "198.18.1.40"});
    CHECK(outcome.m_status == 0);
    CHECK(outcome.m_out ==
          "user@sq.plain.example 198.18.1.5 pass\n"
          "user@sq.plain.example 198.18.1.20 softfail\n"
          "user@sq.plain.example 2001:db8:1::5 pass\n"
          "user@sq.plain.example 2001:db8:2::1 softfail\n"
          "user@sq.plain.example 198.18.1.40 softfail\n");
}

TEST_CASE("Sender ID pra takes ADDRESS as the PRA; a PRA domain that does not exist fails") {
    const Outcome outcome =
        query({"-p", "user@sq.plain.example", "hosts.sq.plain.example", "2001:db8:1:1::7"});
    CHECK(outcome.m_status == 0);
    CHECK(outcome.m_out ==
          "user@sq.plain.example 198.18.1.5 neutral\n"
          "user@sq.plain.example 198.18.1.20 pass\n"
          "user@sq.plain.example 2001:db8:1::5 neutral\n"
          "user@sq.plain.example 2001:db8:2::1 neutral\n"
          "user@sq.plain.example 2001:db8:1:1::7 pass\n");
    CHECK(query({"-p", "user@nx.sq.plain.example", "198.18.1.5"}).m_out ==
          "user@nx.sq.plain.example 198.18.1.5 hardfail\n");
    CHECK(query({"-s", "user@nx.sq.plain.example", "198.18.1.5"}).m_out ==
          "user@nx.sq.plain.example 198.18.1.5 none\n");
    CHECK(query({"-p", "Joe <joe@sq.plain.example>", "198.18.1.20"}).m_out ==
          "Joe <joe@sq.plain.example> 198.18.1.20 pass\n");
}

TEST_CASE("-v shows each lookup and the matched term on stderr; stdout keeps the result") {
    const Outcome outcome = query({"-v", "user@sq.plain.example", "198.18.1.40"});
    CHECK(outcome.m_status == 0);
    CHECK(outcome.m_out == "user@sq.plain.example 198.18.1.40 pass\n");
    const std::string& err = outcome.m_err;
    CHECK(contains(err, "check spf user@sq.plain.example 198.18.1.40 helo=sq.plain.example\n"));
    CHECK(contains(err, "lookup sq.plain.example TXT: noerror unchecked ttl=300 "));
    CHECK(contains(err,
                   "\"v=spf1 ip4:198.18.1.0/28 ip6:2001:db8:1::/64 "
                   "include:inc.sq.plain.example -all\""));
    CHECK(contains(err,
                   "lookup inc.sq.plain.example TXT: noerror unchecked ttl=300 "
                   "\"v=spf1 ip4:198.18.1.32/28 -all\"\n"));
    CHECK(contains(err,
                   "identity user@sq.plain.example\n"
                   "matched include:inc.sq.plain.example\n"
                   "reason matched include:inc.sq.plain.example in the record of "
                   "sq.plain.example\n"
                   "result pass\n"));
    // The include is looked up before the result, in evaluation order.
    CHECK(err.find("lookup inc.sq.plain.example") < err.find("result pass"));
}

TEST_CASE("-v of a host name and of a hardfail") {
    const Outcome outcome = query({"-v", "-4", "user@sq.plain.example", "hosts.sq.plain.example"});
    CHECK(outcome.m_status == 0);
    const std::string& err = outcome.m_err;
    CHECK(contains(err,
                   "resolve hosts.sq.plain.example\n"
                   "lookup hosts.sq.plain.example A: noerror unchecked ttl=300 "));
    CHECK_FALSE(contains(err, "hosts.sq.plain.example AAAA"));
    CHECK(contains(err, "check spf user@sq.plain.example 198.18.1.20 helo=sq.plain.example\n"));
    CHECK(contains(err,
                   "matched -all\n"
                   "reason matched -all in the record of sq.plain.example\n"
                   "result hardfail\n"));
}

TEST_CASE("DNSSEC: secure and insecure lookups, a bogus host name") {
    const Outcome secure = run_sidfquery(
        validating_args({"-v", "user@spf.signed.example", "198.18.0.7", "www.signed.example"}));
    CHECK(secure.m_status == 0);
    CHECK(secure.m_out ==
          "user@spf.signed.example 198.18.0.7 pass\n"
          "user@spf.signed.example 198.18.0.10 pass\n"
          "user@spf.signed.example 2001:db8::10 hardfail\n");
    CHECK(contains(secure.m_err,
                   "lookup spf.signed.example TXT: noerror secure ttl=300 "
                   "\"v=spf1 ip4:198.18.0.0/24 -all\"\n"));
    CHECK(contains(secure.m_err,
                   "lookup www.signed.example AAAA: noerror secure ttl=300 "
                   "2001:db8::10\n"));

    const Outcome insecure =
        run_sidfquery(validating_args({"-v", "user@sq.plain.example", "198.18.1.5"}));
    CHECK(insecure.m_out == "user@sq.plain.example 198.18.1.5 pass\n");
    CHECK(contains(insecure.m_err, "lookup sq.plain.example TXT: noerror insecure ttl=300 "));

    const Outcome bogus = run_sidfquery(
        validating_args({"-v", "-4", "user@spf.signed.example", "www.broken.example"}));
    CHECK(bogus.m_status == 1);
    CHECK(bogus.m_out == "");
    CHECK(contains(bogus.m_err, "lookup www.broken.example A: servfail bogus why=\""));
    CHECK(contains(bogus.m_err, "sidfquery: cannot resolve www.broken.example: A servfail\n"));
}

TEST_CASE("--helo feeds %{h}; <> is checked as postmaster@HELO") {
    CHECK(query({"user@heloq.sq.plain.example", "198.18.1.5"}).m_out ==
          "user@heloq.sq.plain.example 198.18.1.5 hardfail\n");
    CHECK(query({"--helo", "relay.example", "user@heloq.sq.plain.example", "198.18.1.5"}).m_out ==
          "user@heloq.sq.plain.example 198.18.1.5 pass\n");
    const Outcome null_sender =
        query({"-v", "--helo=sq.plain.example", "<>", "198.18.1.5", "198.18.1.20"});
    CHECK(null_sender.m_status == 0);
    CHECK(null_sender.m_out ==
          "<> 198.18.1.5 pass\n"
          "<> 198.18.1.20 hardfail\n");
    CHECK(contains(null_sender.m_err, "identity postmaster@sq.plain.example\n"));
}

TEST_CASE("a name server that never answers: temperror, and still exit 0") {
    const FixtureEnv env = FixtureEnv::load();
    const Outcome outcome =
        run_sidfquery({"-o", "resolver.mode=forward", "-o",
                       "resolver.forwarders=127.0.0.1@" + std::to_string(env.m_blackhole_port),
                       "-o", "resolver.dnssec=false", "-o", "resolver.query_timeout=300ms",
                       "user@sq.plain.example", "198.18.1.5"});
    CHECK(outcome.m_status == 0);
    CHECK(outcome.m_out == "user@sq.plain.example 198.18.1.5 temperror\n");
}

TEST_CASE("a host name that does not resolve: the others are checked, exit 1") {
    const Outcome outcome =
        query({"user@sq.plain.example", "nohost.sq.plain.example", "198.18.1.5"});
    CHECK(outcome.m_status == 1);
    CHECK(outcome.m_out == "user@sq.plain.example 198.18.1.5 pass\n");
    CHECK(outcome.m_err ==
          "sidfquery: cannot resolve nohost.sq.plain.example: A nxdomain, AAAA nxdomain\n");
}

TEST_CASE("usage and configuration errors exit 2 with one clear line, before any DNS") {
    const std::string hint = "Try 'sidfquery -h' for more information.\n";
    const Outcome none = run_sidfquery({});
    CHECK(none.m_status == 2);
    CHECK(none.m_out == "");
    CHECK(none.m_err == "sidfquery: missing ADDRESS and IP-OR-HOSTNAME\n" + hint);

    const Outcome family = query({"-4", "user@sq.plain.example", "2001:db8:1::5"});
    CHECK(family.m_status == 2);
    CHECK(family.m_err ==
          "sidfquery: -4 was given, but \"2001:db8:1::5\" is an IPv6 address\n" + hint);

    const Outcome mailbox = query({"-m", "sq.plain.example", "198.18.1.5"});
    CHECK(mailbox.m_status == 2);
    CHECK(mailbox.m_err ==
          "sidfquery: ADDRESS \"sq.plain.example\" is not a mailbox (local-part@domain)\n" + hint);

    const Outcome key = query({"-o", "resolver.nonsense=1", "u@sq.plain.example", "198.18.1.5"});
    CHECK(key.m_status == 2);
    CHECK(key.m_out == "");
    CHECK(contains(key.m_err, "sidfquery: -o:4: resolver.nonsense: unknown key"));

    const Outcome forward =
        run_sidfquery({"-o", "resolver.mode=forward", "u@sq.plain.example", "198.18.1.5"});
    CHECK(forward.m_status == 2);
    CHECK(forward.m_err ==
          "sidfquery: -o:1: resolver.mode: resolver.mode is forward but "
          "resolver.forwarders is empty\n");

    const Outcome file =
        run_sidfquery({"-c", "/nonexistent/enma.conf", "u@x.example", "192.0.2.1"});
    CHECK(file.m_status == 2);
    CHECK(contains(file.m_err, "sidfquery: /nonexistent/enma.conf: cannot open"));
}

TEST_CASE("-h prints the version and the usage on stdout and exits 0; -V the version") {
    const Outcome help = run_sidfquery({"-h"});
    CHECK(help.m_status == 0);
    CHECK(help.m_out.starts_with("sidfquery "));
    CHECK(contains(help.m_out, "\nUsage: sidfquery [-s|-m|-p] [-4|-6] [-v]"));
    CHECK(help.m_err == "");
    const Outcome version = run_sidfquery({"--version"});
    CHECK(version.m_status == 0);
    CHECK(version.m_out == help.m_out.substr(0, help.m_out.find('\n') + 1));
}
