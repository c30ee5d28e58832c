// message_session_test.cpp - one message through every method, as the milter drives it.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>

#include "coro/scheduler.hpp"
#include "tests/support/zone_resolver.hpp"
#include "tests/unit/message_session_fixture.hpp"
#include "verify/pipeline/message_session.hpp"

using namespace std::chrono_literals;
using enma::coro::Scheduler;
using enma::pipeline::AuthSettings;
using enma::pipeline::ConnectionInfo;
using enma::pipeline::MessageSession;
using enma::pipeline::Verdict;
using enma::resolver::IpAddress;
using enma::resolver::RrType;
using enma::resolver::ZoneResolver;

namespace {

struct Fixture : enma::testing::SessionFixture {
    Fixture()
        : SessionFixture(R"(
$ORIGIN example.com.
@        TXT "v=spf1 ip4:192.0.2.1 -all"
slow     TXT "v=spf1 include:hang.example.net -all"
explained TXT "v=spf1 ip4:192.0.2.1 exp=why.example.com -all"
why      TXT "%{i} may not send for %{d}"
)") {
        m_zone->set_no_answer("hang.example.net");
    }
};

}  // namespace

TEST_CASE("SPF, Sender ID and DKIM results land in one header, forged A-R is marked") {
    Fixture f;
    const auto verdict = f.run("192.0.2.1", "<user@example.com>",
                               {{"Authentication-Results", " other.example; spf=pass"},
                                {"From", " User <user@example.com>"},
                                {"Authentication-Results", " (forged) MX.EXAMPLE.JP; dkim=pass"},
                                {"Subject", " hi"}});
    CHECK(verdict.m_header_value ==
          "mx.example.jp;\n\tspf=pass smtp.mailfrom=user@example.com smtp.helo=helo.example;"
          "\n\tsender-id=pass header.From=user@example.com;\n\tdkim=none");
    CHECK(verdict.m_forged_indices == std::vector<int>{2});
    CHECK(verdict.m_header_from == "User <user@example.com>");
    CHECK(verdict.m_queries == 2);  // example.com TXT, once for SPF and once for Sender ID
    CHECK_FALSE(verdict.m_deadline_expired);
}

TEST_CASE("a forged A-R hidden behind 5 MB of headers is still found") {
    Fixture f;
    std::vector<std::pair<std::string, std::string>> headers;
    for (int i = 0; i < 5; ++i)
        headers.emplace_back("X-Padding", " " + std::string(1 << 20, 'x'));
    headers.emplace_back("Authentication-Results", " mx.example.jp; spf=pass");
    const auto verdict = f.run("192.0.2.1", "user@example.com", headers);
    CHECK(verdict.m_forged_indices == std::vector<int>{1});
}

TEST_CASE("an unauthorized client fails SPF and Sender ID") {
    Fixture f;
    const auto verdict = f.run("198.51.100.7", "user@example.com", {{"From", " user@example.com"}});
    CHECK(verdict.m_results.size() == 3);
    CHECK(verdict.m_results[0].m_result == "fail");
    CHECK(verdict.m_results[1].m_result == "fail");
}

TEST_CASE("ENMA's hardfail spelling is a switch") {
    Fixture f;
    f.m_settings.m_spf_hardfail = true;
    const auto verdict = f.run("198.51.100.7", "user@example.com", {{"From", " user@example.com"}});
    CHECK(verdict.m_results[0].m_result == "hardfail");
}

TEST_CASE("spf.explog and sidf.explog put the exp= text of a fail into the Verdict") {
    Fixture f;
    const auto from = std::string(" user@explained.example.com");
    const auto quiet = f.run("198.51.100.7", "user@explained.example.com", {{"From", from}});
    CHECK(quiet.m_results[0].m_result == "fail");
    CHECK(quiet.m_spf_explanation.empty());
    CHECK(quiet.m_sidf_explanation.empty());
    f.m_settings.m_spf_explog = true;
    const auto spf_only = f.run("198.51.100.7", "user@explained.example.com", {{"From", from}});
    CHECK(spf_only.m_spf_explanation == "198.51.100.7 may not send for explained.example.com");
    CHECK(spf_only.m_sidf_explanation.empty());
    f.m_settings.m_sidf_explog = true;
    const auto both = f.run("198.51.100.7", "user@explained.example.com", {{"From", from}});
    CHECK(both.m_sidf_explanation == "198.51.100.7 may not send for explained.example.com");
}

TEST_CASE("a lookup that never answers ends as temperror at the per-message deadline") {
    Fixture f;
    f.m_settings.m_deadline = 2s;
    f.m_settings.m_sidf = false;
    const auto before = f.m_scheduler.now();
    const auto verdict = f.run("192.0.2.1", "user@slow.example.com", {});
    CHECK(verdict.m_deadline_expired);
    REQUIRE(verdict.m_results.size() == 2);
    CHECK(verdict.m_results[0].m_method == "spf");
    CHECK(verdict.m_results[0].m_result == "temperror");
    // Virtual time: the message ended at the deadline, not at the 30 s query timeout.
    CHECK(f.m_scheduler.now() - before < 30s);
}

TEST_CASE("authenticated submissions skip SPF and Sender ID") {
    Fixture f;
    ConnectionInfo info{*IpAddress::parse("198.51.100.7"), "c", "h", true};
    MessageSession session(f.m_scheduler, f.m_zone,
                           std::make_shared<const AuthSettings>(f.m_settings), info);
    session.mail_from("user@example.com");
    session.end_of_headers();
    const auto verdict = session.end_of_message();
    CHECK(verdict.m_header_value == "mx.example.jp;\n\tdkim=none");
    CHECK(verdict.m_queries == 0);
}

TEST_CASE("an aborted message leaves nothing running") {
    Fixture f;
    {
        ConnectionInfo info{*IpAddress::parse("192.0.2.1"), "c", "h", false};
        MessageSession session(f.m_scheduler, f.m_zone,
                               std::make_shared<const AuthSettings>(f.m_settings), info);
        session.mail_from("user@slow.example.com");
        session.abort();
    }
    for (int i = 0; i < 1000 && f.m_scheduler.live_tasks() != 0; ++i)
        std::this_thread::sleep_for(1ms);
    CHECK(f.m_scheduler.live_tasks() == 0);
}
