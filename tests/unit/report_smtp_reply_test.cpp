// report_smtp_reply_test.cpp - the SMTP reply parser: single and multi-line replies, what is
// malformed (no code, a bad separator, a code that changes, control characters), the bounds
// on a line and on a reply, and incomplete input.
#include <doctest/doctest.h>

#include <string>

#include "app/report/smtp_reply.hpp"

using namespace enma::report;

TEST_CASE("a single-line reply: code, text, octets consumed") {
    const auto parse = parse_smtp_reply("250 2.1.0 Ok\r\nrest");
    REQUIRE(parse.m_status == ReplyStatus::complete);
    CHECK(parse.m_reply.m_code == 250);
    CHECK(parse.m_reply.m_lines == std::vector<std::string>{"2.1.0 Ok"});
    CHECK(parse.m_consumed == 14);
    CHECK(parse.m_reply.positive());
    CHECK(parse.m_reply.summary() == "250 2.1.0 Ok");
}

TEST_CASE("a bare code, and a bare LF line end, are accepted") {
    auto parse = parse_smtp_reply("354\r\n");
    REQUIRE(parse.m_status == ReplyStatus::complete);
    CHECK(parse.m_reply.m_code == 354);
    CHECK(parse.m_reply.m_lines == std::vector<std::string>{""});
    CHECK(parse.m_reply.summary() == "354");
    parse = parse_smtp_reply("221 Bye\n");
    REQUIRE(parse.m_status == ReplyStatus::complete);
    CHECK(parse.m_reply.m_lines == std::vector<std::string>{"Bye"});
    CHECK(parse.m_consumed == 8);
}

TEST_CASE("a multi-line reply ends at the line with a blank after the code") {
    const std::string text = "250-mx.example\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n";
    const auto parse = parse_smtp_reply(text + "220 next");
    REQUIRE(parse.m_status == ReplyStatus::complete);
    CHECK(parse.m_reply.m_code == 250);
    CHECK(parse.m_reply.m_lines ==
          std::vector<std::string>{"mx.example", "PIPELINING", "8BITMIME", "SMTPUTF8"});
    CHECK(parse.m_consumed == text.size());
    CHECK(parse.m_reply.summary() == "250 mx.example PIPELINING 8BITMIME SMTPUTF8");
}

TEST_CASE("input that stops before the last line is incomplete") {
    for (const std::string text :
         {"", "2", "250", "250 Ok", "250 Ok\r", "250-a\r\n", "250-a\r\n250"}) {
        INFO(text);
        CHECK(parse_smtp_reply(text).m_status == ReplyStatus::incomplete);
    }
}

TEST_CASE("a code that changes between lines is malformed") {
    const auto parse = parse_smtp_reply("250-first\r\n550 second\r\n");
    CHECK(parse.m_status == ReplyStatus::malformed);
    CHECK(parse.m_error == "reply code changes between lines");
}

TEST_CASE("lines without a valid code or separator, or with controls, are malformed") {
    const std::pair<std::string, std::string> cases[] = {
        {"hello\r\n", "reply line does not start with a reply code"},
        {"25\r\n", "reply line does not start with a reply code"},
        {"150 x\r\n", "reply line does not start with a reply code"},  // first digit 2-5
        {"260 x\r\n", "reply line does not start with a reply code"},  // second digit 0-5
        {"25x x\r\n", "reply line does not start with a reply code"},
        {"250_x\r\n", "reply code not followed by a blank or '-'"},
        {"2500\r\n", "reply code not followed by a blank or '-'"},
        {"250 a\x01z\r\n", "control character in a reply line"},
        {"250 a\rb\r\n", "control character in a reply line"},
        {std::string("250 a\0b\r\n", 9), "control character in a reply line"},
        {"250-ok\r\nbad\r\n", "reply line does not start with a reply code"},
    };
    for (const auto& item : cases) {
        INFO(item.first);
        const auto& [text, why] = item;
        const auto parse = parse_smtp_reply(text);
        CHECK(parse.m_status == ReplyStatus::malformed);
        CHECK(parse.m_error == why);
    }
}

TEST_CASE("TAB is kept, octets above 0x7e become '?'") {
    const auto parse = parse_smtp_reply("550 5.1.1 \t<b\xc3\xa9>: unknown\r\n");
    REQUIRE(parse.m_status == ReplyStatus::complete);
    CHECK(parse.m_reply.m_lines == std::vector<std::string>{"5.1.1 \t<b?"
                                                            "?>: unknown"});
    CHECK_FALSE(parse.m_reply.positive());
}

TEST_CASE("a line over kMaxReplyLine octets is malformed, complete or not") {
    const std::string longest = "250 " + std::string(kMaxReplyLine - 6, 'x') + "\r\n";
    REQUIRE(longest.size() == kMaxReplyLine);
    CHECK(parse_smtp_reply(longest).m_status == ReplyStatus::complete);
    const std::string over = "250 " + std::string(kMaxReplyLine - 5, 'x') + "\r\n";
    auto parse = parse_smtp_reply(over);
    CHECK(parse.m_status == ReplyStatus::malformed);
    CHECK(parse.m_error == "reply line over 1024 octets");
    // Without its line end yet: malformed as soon as it cannot fit, so a reader stops buffering.
    parse = parse_smtp_reply("250-ok\r\n250 " + std::string(kMaxReplyLine, 'x'));
    CHECK(parse.m_status == ReplyStatus::malformed);
    CHECK(parse_smtp_reply("250 " + std::string(kMaxReplyLine - 4, 'x')).m_status ==
          ReplyStatus::incomplete);
}

TEST_CASE("a reply of more than kMaxReplyLines lines is malformed") {
    std::string text;
    for (std::size_t i = 1; i < kMaxReplyLines; ++i)
        text += "250-line\r\n";
    CHECK(parse_smtp_reply(text + "250 last\r\n").m_status == ReplyStatus::complete);
    const auto parse = parse_smtp_reply(text + "250-one more\r\n250 last\r\n");
    CHECK(parse.m_status == ReplyStatus::malformed);
    CHECK(parse.m_error == "reply of more than 100 lines");
}

TEST_CASE("the summary is cut to kMaxSummary octets") {
    std::string text;
    for (int i = 0; i < 20; ++i)
        text += "550-" + std::string(40, 'a') + "\r\n";
    const auto parse = parse_smtp_reply(text + "550 end\r\n");
    REQUIRE(parse.m_status == ReplyStatus::complete);
    const auto summary = parse.m_reply.summary();
    CHECK(summary.size() == SmtpReply::kMaxSummary);
    CHECK(summary.starts_with("550 aaaa"));
    CHECK(summary.ends_with("..."));
}
