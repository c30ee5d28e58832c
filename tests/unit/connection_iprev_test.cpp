// connection_iprev_test.cpp - iprev started at CONNECT (pipeline::ConnectionIprev) and read by
// every message of the connection through MessageSession: one lookup per connection whatever
// the number of messages or RSETs, its queries counted once, a deadline that cut it restarts
// it for the next message, and without a connection's lookup MAIL FROM still runs iprev.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>

#include "tests/unit/message_session_fixture.hpp"
#include "verify/pipeline/connection_iprev.hpp"
#include "verify/pipeline/message_session.hpp"

using enma::pipeline::AuthSettings;
using enma::pipeline::ConnectionInfo;
using enma::pipeline::ConnectionIprev;
using enma::pipeline::MessageSession;
using enma::pipeline::Verdict;
using enma::resolver::IpAddress;
using enma::resolver::RrType;

namespace {

constexpr const char* kClient = "192.0.2.1";
constexpr const char* kSilent = "192.0.2.9";  // its PTR lookup never answers

struct Fixture : enma::testing::SessionFixture {
    Fixture()
        : SessionFixture(R"(
$ORIGIN example.com.
@        TXT "v=spf1 ip4:192.0.2.1 ip4:192.0.2.9 -all"
mail     A   192.0.2.1
)") {
        m_zone->add(IpAddress::parse(kClient)->reverse_name(), RrType::ptr,
                    std::string("mail.example.com."));
        m_zone->set_no_answer(IpAddress::parse(kSilent)->reverse_name());
        m_settings.m_iprev = true;
        m_settings.m_sidf = false;
        m_settings.m_dkim = false;
        m_auth = std::make_shared<const AuthSettings>(m_settings);
    }

    void client(const char* ip) {
        m_info = ConnectionInfo{*IpAddress::parse(ip), "client.example", "helo.example", false};
    }

    std::shared_ptr<ConnectionIprev> connect(const char* ip) {
        client(ip);
        return std::make_shared<ConnectionIprev>(m_scheduler, m_zone, m_info.m_ip,
                                                 m_settings.m_max_queries);
    }

    std::unique_ptr<MessageSession> mail(std::shared_ptr<ConnectionIprev> iprev) {
        auto session =
            std::make_unique<MessageSession>(m_scheduler, m_zone, m_auth, m_info, std::move(iprev));
        session->mail_from("<user@example.com>");
        session->header("From", " user@example.com");
        return session;
    }

    Verdict message(std::shared_ptr<ConnectionIprev> iprev) {
        auto session = mail(std::move(iprev));
        session->end_of_headers();
        return session->end_of_message();
    }

    std::size_t questions(RrType type) const {
        std::size_t count = 0;
        for (const auto& question : m_zone->questions())
            count += question.m_type == type ? 1 : 0;
        return count;
    }

    std::shared_ptr<const AuthSettings> m_auth;
    ConnectionInfo m_info;
};

}  // namespace

TEST_CASE("a connection's messages share one iprev lookup, started at connect") {
    Fixture f;
    auto iprev = f.connect(kClient);
    f.mail(iprev)->abort();  // RSET: the connection's lookup goes on
    const Verdict first = f.message(iprev);
    const Verdict second = f.message(iprev);
    const Verdict third = f.message(iprev);
    for (const Verdict* verdict : {&first, &second, &third}) {
        REQUIRE(verdict->m_results.size() == 2);
        CHECK(verdict->m_results[0].m_method == "iprev");
        CHECK(verdict->m_results[0].m_result == "pass");
        CHECK(verdict->m_header_value.find("iprev=pass (mail.example.com") != std::string::npos);
        CHECK(verdict->m_header_value.find("policy.iprev=192.0.2.1") != std::string::npos);
    }
    CHECK(f.questions(RrType::ptr) == 1);
    CHECK(f.questions(RrType::a) == 1);
    CHECK(iprev->starts() == 1);
    // The PTR and A queries are counted once, in the first message to read them; the SPF
    // TXT query is each message's own.
    CHECK(first.m_queries == 3);
    CHECK(second.m_queries == 1);
    CHECK(third.m_queries == 1);
}

TEST_CASE("a deadline that cut the connection's iprev lookup restarts it for the next message") {
    Fixture f;
    auto iprev = f.connect(kSilent);
    const Verdict first = f.message(iprev);
    REQUIRE_FALSE(first.m_results.empty());
    CHECK(first.m_results[0].m_method == "iprev");
    CHECK(first.m_results[0].m_result == "temperror");
    CHECK(first.m_deadline_expired);
    CHECK(first.m_results[1].m_result == "pass");  // SPF, not held up by iprev
    const Verdict second = f.message(iprev);
    CHECK(second.m_results[0].m_result == "temperror");
    CHECK(iprev->starts() == 2);
    CHECK(f.questions(RrType::ptr) == 2);
}

TEST_CASE("without the connection's lookup, iprev runs from MAIL FROM for the message") {
    Fixture f;
    f.client(kClient);
    const Verdict first = f.message(nullptr);
    const Verdict second = f.message(nullptr);
    CHECK(first.m_results[0].m_result == "pass");
    CHECK(second.m_results[0].m_result == "pass");
    CHECK(first.m_queries == 3);
    CHECK(second.m_queries == 3);
    CHECK(f.questions(RrType::ptr) == 2);
}
