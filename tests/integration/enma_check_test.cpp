// enma_check_test.cpp - the enma-check binary against real NSD (fixture.py, check.example):
// a dkimpy-signed message passes DKIM with the right header.d/s/i/b, a tampered copy fails,
// SPF passes and fails for two clients, ADSP, --json, standard input and the exit codes.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/integration/command.hpp"
#include "tests/integration/fixture_env.hpp"
#include "verify/authres/auth_results.hpp"

#ifndef ENMA_CHECK_BINARY
#error "ENMA_CHECK_BINARY must name the enma-check binary (app/CMakeLists.txt sets it)"
#endif

using enma::integration::FixtureEnv;
using enma::integration::read_file;
using enma::integration::Result;
using enma::integration::run;
using enma::integration::write_file;

namespace {

constexpr const char* kSigner = ENMA_INTEGRATION_DATA "/../enma_check_sign.py";
constexpr const char* kCrlf = "\r\n\t";

// header_b - RFC 6008 header.b: the first 8 characters of the signature's b= value.
std::string header_b(const std::string& signed_message) {
    std::size_t at = 0;
    while ((at = signed_message.find("b=", at + 1)) != std::string::npos)
        if (signed_message[at - 1] == ' ' || signed_message[at - 1] == ';')
            break;
    REQUIRE(at != std::string::npos);
    std::string b;
    for (std::size_t i = at + 2; i < signed_message.size() && b.size() < 8; ++i)
        if (signed_message[i] != ' ' && signed_message[i] != '\t' && signed_message[i] != '\r' &&
            signed_message[i] != '\n')
            b.push_back(signed_message[i]);
    return b;
}

struct Fixture {
    Fixture() {
        const auto env = FixtureEnv::load();
        m_dir = FixtureEnv::variable("ENMA_IT_DIR");
        const std::string key = FixtureEnv::variable("ENMA_IT_DKIM_KEY");
        // Validation stays on, anchored at signed.example only: check.example is insecure.
        write_file(m_dir + "/enma-check-anchor.ds", env.m_signed_ds + "\n");
        m_settings = " -o resolver.mode=forward -o resolver.forwarders=127.0.0.1@" +
                     std::to_string(env.m_nsd_port) + " -o resolver.trust_anchor_file=" + m_dir +
                     "/enma-check-anchor.ds -o authresult.identifier=mx.test";
        m_plain = m_dir + "/enma-check-plain.eml";
        m_signed = m_dir + "/enma-check-signed.eml";
        m_tampered = m_dir + "/enma-check-tampered.eml";
        write_file(m_plain,
                   "From: User <user@check.example>\r\nTo: rcpt@example.net\r\n"
                   "Subject: enma-check\r\n\tintegration\r\nDate: Fri, 27 Nov 2026 20:00:00 +0000"
                   "\r\n\r\nHello.\r\n");
        const auto sign =
            run("/usr/bin/python3 " + std::string(kSigner) + " " + key +
                " sel check.example user@check.example < " + m_plain + " > " + m_signed);
        REQUIRE_MESSAGE(sign.m_status == 0, "dkimpy could not sign (python3-dkim installed?)");
        std::string tampered = read_file(m_signed);
        tampered.replace(tampered.find("Hello."), 6, "Hello!");
        write_file(m_tampered, tampered);
        m_b = enma::verify::quote_pvalue(header_b(read_file(m_signed)));
    }

    Result check(const std::string& args) {
        return run(std::string(ENMA_CHECK_BINARY) + m_settings + " " + args);
    }

    std::string m_dir, m_settings, m_plain, m_signed, m_tampered, m_b;
};

const std::string kGoodClient = "--ip 198.18.3.25 --helo mail.check.example";
const std::string kBadClient = "--ip 198.18.3.99 --helo mail.check.example";
const std::string kSender = " --mail-from '<user@check.example>' ";

std::string spf_pass() {
    return std::string(
               "spf=pass (DNSSEC insecure) smtp.mailfrom=user@check.example "
               "smtp.helo=mail.check.example;") +
           kCrlf + "sender-id=pass (DNSSEC insecure) header.From=user@check.example;" + kCrlf;
}

std::string spf_fail() {
    const std::string reason = "reason=\"matched -all in the record of check.example\"";
    return "spf=fail (DNSSEC insecure) " + reason +
           " smtp.mailfrom=user@check.example smtp.helo=mail.check.example;" + kCrlf +
           "sender-id=fail (DNSSEC insecure) " + reason + " header.From=user@check.example;" +
           kCrlf;
}

}  // namespace

TEST_CASE("a dkimpy-signed message: dkim=pass with header.d/i/s/b, SPF pass") {
    Fixture f;
    const auto result = f.check(kGoodClient + kSender + f.m_signed);
    CHECK(result.m_status == 0);
    CHECK(result.m_out == "Authentication-Results: mx.test;" + std::string(kCrlf) + spf_pass() +
                              "dkim=pass (2048-bit key; DNSSEC insecure) header.d=check.example"
                              " header.i=user@check.example header.s=sel header.a=rsa-sha256"
                              " header.b=" +
                              f.m_b + "\r\n");
}

TEST_CASE("a tampered copy: dkim=fail; another client: SPF and Sender ID fail") {
    Fixture f;
    const auto result = f.check(kBadClient + kSender + f.m_tampered);
    CHECK(result.m_status == 0);
    CHECK(result.m_out == "Authentication-Results: mx.test;" + std::string(kCrlf) + spf_fail() +
                              "dkim=fail (2048-bit key; DNSSEC insecure)"
                              " reason=\"body hash mismatch\" header.d=check.example"
                              " header.i=user@check.example header.s=sel header.a=rsa-sha256"
                              " header.b=" +
                              f.m_b + "\r\n");
}

TEST_CASE("ADSP (dkimadsp.auth): the author signature passes, an unsigned message fails") {
    Fixture f;
    const std::string adsp = "--lf -o dkimadsp.auth=true " + kGoodClient + kSender;
    CHECK(f.check(adsp + f.m_signed)
              .m_out.ends_with(";\n\tdkim-adsp=pass header.from=user@check.example\n"));
    CHECK(f.check(adsp + f.m_plain).m_out ==
          "Authentication-Results: mx.test;\n\t"
          "spf=pass (DNSSEC insecure) smtp.mailfrom=user@check.example "
          "smtp.helo=mail.check.example;\n\t"
          "sender-id=pass (DNSSEC insecure) header.From=user@check.example;\n\tdkim=none;\n\t"
          "dkim-adsp=fail (DNSSEC insecure) reason=\"no valid author domain signature; dkim=all\""
          " header.from=user@check.example\n");
}

TEST_CASE("--json: every method's result, reason and properties, and the DNS counts") {
    Fixture f;
    const auto result =
        f.check("--json --rcpt rcpt@example.net " + kBadClient + kSender + "- < " + f.m_tampered);
    REQUIRE(result.m_status == 0);
    const auto json = nlohmann::json::parse(result.m_out);
    CHECK(json["authserv_id"] == "mx.test");
    CHECK(json["envelope"]["ip"] == "198.18.3.99");
    CHECK(json["envelope"]["hostname"] == "[198.18.3.99]");
    CHECK(json["envelope"]["mail_from"] == "<user@check.example>");
    CHECK(json["envelope"]["rcpt"] == nlohmann::json::array({"rcpt@example.net"}));
    CHECK(json["header_from"] == "User <user@check.example>");
    REQUIRE(json["results"].size() == 3);
    CHECK(json["results"][0]["method"] == "spf");
    CHECK(json["results"][0]["result"] == "fail");
    CHECK(json["results"][0]["reason"] == "matched -all in the record of check.example");
    CHECK(json["results"][1]["method"] == "sender-id");
    CHECK(json["results"][2]["method"] == "dkim");
    CHECK(json["results"][2]["result"] == "fail");
    CHECK(json["results"][2]["reason"] == "body hash mismatch");
    CHECK(json["results"][2]["comment"] == "2048-bit key; DNSSEC insecure");
    CHECK(json["results"][2]["properties"]["header.d"] == "check.example");
    CHECK(json["results"][2]["properties"]["header.s"] == "sel");
    CHECK(json["results"][2]["properties"]["header.i"] == "user@check.example");
    CHECK(enma::verify::quote_pvalue(
              json["results"][2]["properties"]["header.b"].get<std::string>()) == f.m_b);
    CHECK(json["dns"]["queries"] == 3);  // check.example TXT for SPF and Sender ID, the key
    CHECK(json["dns"]["insecure"] == 3);
    CHECK(json["dns"]["bogus"] == 0);
    CHECK(json["dns"]["queries_refused"] == 0);
    CHECK(json["dns"]["deadline_expired"] == false);
    CHECK(json["forged_authentication_results"].empty());
}

TEST_CASE("exit codes: 1 unreadable input, 2 usage or configuration") {
    Fixture f;
    CHECK(f.check(f.m_dir + "/no-such-message.eml 2>/dev/null").m_status == 1);
    CHECK(f.check("--ip 300.0.0.1 " + f.m_plain + " 2>/dev/null").m_status == 2);
    CHECK(f.check("-o no.such=key " + f.m_plain + " 2>/dev/null").m_status == 2);
    CHECK(run(std::string(ENMA_CHECK_BINARY) + " -c " + f.m_dir + "/missing.conf " + f.m_plain +
              " 2>/dev/null")
              .m_status == 2);
}
