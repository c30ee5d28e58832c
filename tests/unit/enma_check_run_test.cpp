// enma_check_run_test.cpp - enma-check's drive of MessageSession over ZoneResolver: the RFC
// 8463 message (both signatures pass whether the file has CRLF or LF line ends), a tampered
// copy, SPF from the envelope flags, and the header / JSON it prints.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "app/enma-check/enma_check_report.hpp"
#include "app/enma-check/enma_check_run.hpp"
#include "coro/scheduler.hpp"
#include "tests/support/zone_resolver.hpp"

using enma::app::connection_info;
using enma::app::drive_session;
using enma::app::EnmaCheckOptions;
using enma::app::parse_check_options;
using enma::app::split_for_milter;
using enma::coro::Scheduler;
using enma::pipeline::AuthSettings;
using enma::pipeline::MessageSession;
using enma::pipeline::Verdict;
using enma::resolver::ZoneResolver;

namespace {

std::string vector_dir() {
    if (const char* dir = std::getenv("ENMA_SOURCE_DIR"))
        return std::string(dir) + "/tests/vectors/dkim/";
    std::string here = __FILE__;
    return here.substr(0, here.rfind("/unit/")) + "/vectors/dkim/";
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "cannot read " << path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string to_lf(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i)
        if (!(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n'))
            out.push_back(text[i]);
    return out;
}

struct Fixture {
    Fixture() : m_scheduler(Scheduler::Options{true}) {
        m_zone = std::make_shared<ZoneResolver>(m_scheduler);
        m_zone->load(read_file(vector_dir() + "rfc8463.zone"));
        m_zone->load("football.example.com. TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n");
        m_settings.m_authserv_id = "mx.example.jp";
        m_scheduler.start();
    }

    Verdict check(const std::string& raw, std::vector<std::string> args) {
        const EnmaCheckOptions options = parse_check_options(args);
        MessageSession session(m_scheduler, m_zone,
                               std::make_shared<const AuthSettings>(m_settings),
                               connection_info(options));
        return drive_session(session, options.m_mail_from, split_for_milter(raw));
    }

    Scheduler m_scheduler;
    std::shared_ptr<ZoneResolver> m_zone;
    AuthSettings m_settings;
};

const char* const kBothPass =
    "mx.example.jp;\n"
    "\tspf=pass smtp.mailfrom=joe@football.example.com smtp.helo=mail.football.example.com;\n"
    "\tsender-id=pass header.From=joe@football.example.com;\n"
    "\tdkim=pass (256-bit key) header.d=football.example.com header.i=@football.example.com"
    " header.s=brisbane header.a=ed25519-sha256 header.b=\"/gCrinpc\";\n"
    "\tdkim=pass (1024-bit key) header.d=football.example.com header.i=@football.example.com"
    " header.s=test header.a=rsa-sha256 header.b=F45dVWDf";

}  // namespace

TEST_CASE("the RFC 8463 message: SPF, Sender ID and both signatures pass, LF or CRLF") {
    Fixture f;
    const std::string crlf = read_file(vector_dir() + "rfc8463.eml");  // as in RFC 8463
    const std::vector<std::string> args{"--ip",        "192.0.2.25",
                                        "--helo",      "mail.football.example.com",
                                        "--mail-from", "<joe@football.example.com>"};
    CHECK(f.check(crlf, args).m_header_value == kBothPass);
    CHECK(f.check(to_lf(crlf), args).m_header_value == kBothPass);
}

TEST_CASE("a tampered body fails both signatures; another client fails SPF") {
    Fixture f;
    std::string raw = read_file(vector_dir() + "rfc8463.eml");
    raw.replace(raw.find("We lost"), 7, "We won!");
    const auto verdict =
        f.check(raw, {"--ip", "198.51.100.9", "--mail-from", "joe@football.example.com"});
    REQUIRE(verdict.m_results.size() == 4);
    CHECK(verdict.m_results[0].m_method == "spf");
    CHECK(verdict.m_results[0].m_result == "fail");
    CHECK(verdict.m_results[2].m_result == "fail");
    CHECK(verdict.m_results[2].m_reason == "body hash mismatch");
    CHECK(verdict.m_results[3].m_result == "fail");
}

TEST_CASE("the printed header: the session's value, folded as asked") {
    Fixture f;
    f.m_settings.m_spf = false;
    f.m_settings.m_sidf = false;
    const auto verdict = f.check(read_file(vector_dir() + "rfc8463.eml"), {});
    CHECK(enma::app::header_line("mx.example.jp", verdict, "\n\t") ==
          "Authentication-Results: " + verdict.m_header_value);
    const std::string crlf = enma::app::header_line("mx.example.jp", verdict, "\r\n\t");
    CHECK(crlf.starts_with("Authentication-Results: mx.example.jp;\r\n\tdkim=pass (256-bit key)"));
    CHECK(crlf.find("\r\n\tdkim=pass (1024-bit key)") != std::string::npos);
}

TEST_CASE("the JSON object: envelope, every result with reason and properties, DNS counts") {
    Fixture f;
    const auto verdict =
        f.check(read_file(vector_dir() + "rfc8463.eml"),
                {"--ip", "198.51.100.9", "--mail-from", "<>", "--helo", "football.example.com"});
    const enma::app::CheckEnvelope envelope{
        "198.51.100.9", "[198.51.100.9]", "football.example.com", "<>", {"a@example.net"}};
    const auto json = enma::app::verdict_json("mx.example.jp", verdict, envelope);
    CHECK(json["authserv_id"] == "mx.example.jp");
    CHECK(json["envelope"]["rcpt"][0] == "a@example.net");
    CHECK(json["header_from"] == "Joe SixPack <joe@football.example.com>");
    REQUIRE(json["results"].size() == 4);
    CHECK(json["results"][0]["method"] == "spf");
    CHECK(json["results"][0]["result"] == "fail");
    CHECK(json["results"][0]["properties"]["smtp.mailfrom"] == "postmaster@football.example.com");
    CHECK(json["results"][2]["properties"]["header.s"] == "brisbane");
    CHECK(json["results"][3]["properties"]["header.b"] == "F45dVWDf");
    CHECK(json["results"][3]["comment"] == "1024-bit key");
    CHECK(json["dns"]["queries"] == verdict.m_queries);
    CHECK(json["dns"]["deadline_expired"] == false);
    CHECK(json["authentication_results"].get<std::string>().find('\n') == std::string::npos);
}

TEST_CASE("connection info: [ip] as the client name unless --hostname") {
    CHECK(connection_info(parse_check_options(std::vector<std::string>{"--ip", "192.0.2.1"}))
              .m_hostname == "[192.0.2.1]");
    CHECK(connection_info(
              parse_check_options(std::vector<std::string>{"--ip", "192.0.2.1", "--hostname", "h"}))
              .m_hostname == "h");
}
