// message_session_fixture.hpp - a MessageSession over ZoneResolver on a virtual clock, driven
// through the SMTP steps from the test thread as libmilter would drive it.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "coro/scheduler.hpp"
#include "tests/support/zone_resolver.hpp"
#include "verify/pipeline/message_session.hpp"

namespace enma::testing {

class SessionFixture {
public:
    using Headers = std::vector<std::pair<std::string, std::string>>;

    // Every lookup takes 50 ms of virtual time; a name set to no answer times out at 30 s.
    // The clock moves only while run() waits at end of message, as a libmilter thread would:
    // otherwise it could jump to a 30 s timeout before end_of_message() arms the deadline.
    explicit SessionFixture(std::string_view zone_text)
        : m_scheduler(coro::Scheduler::Options{true, true}),
          m_zone(std::make_shared<resolver::ZoneResolver>(m_scheduler)) {
        using namespace std::chrono_literals;
        m_zone->set_default_delay(50ms);
        m_zone->load(zone_text);
        m_zone->set_query_timeout(30s);
        m_settings.m_authserv_id = "mx.example.jp";
        m_scheduler.start();
    }

    // run - the SMTP steps of one message from this (non-loop) thread, like libmilter.
    pipeline::Verdict run(std::string_view ip, std::string_view mail_from, const Headers& headers) {
        pipeline::ConnectionInfo info{*resolver::IpAddress::parse(ip), "client.example",
                                      "helo.example", false};
        pipeline::MessageSession session(
            m_scheduler, m_zone, std::make_shared<const pipeline::AuthSettings>(m_settings), info);
        session.mail_from(mail_from);
        for (const auto& [name, value] : headers)
            session.header(name, value);
        session.end_of_headers();
        session.body("Hello.\r\n");
        return session.end_of_message();
    }

    coro::Scheduler m_scheduler;
    std::shared_ptr<resolver::ZoneResolver> m_zone;
    pipeline::AuthSettings m_settings;
};

}  // namespace enma::testing
