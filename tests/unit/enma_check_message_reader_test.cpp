// enma_check_message_reader_test.cpp - a raw message cut into milter events: names, raw
// values with the leading space and "\n" folding, where the body starts, CRLF body, chunks.
#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "app/enma-check/message_reader.hpp"

using enma::app::body_chunks;
using enma::app::split_for_milter;

TEST_CASE("fields keep the leading space; folding becomes a bare LF") {
    const auto message = split_for_milter(
        "From: Joe <joe@example.com>\r\nSubject:  two\r\n\tlines \r\nX-Empty:\r\n"
        "\r\nbody line\r\n");
    REQUIRE(message.m_headers.size() == 3);
    CHECK(message.m_headers[0].m_name == "From");
    CHECK(message.m_headers[0].m_value == " Joe <joe@example.com>");
    CHECK(message.m_headers[1].m_name == "Subject");
    CHECK(message.m_headers[1].m_value == "  two\n\tlines ");
    CHECK(message.m_headers[2].m_name == "X-Empty");
    CHECK(message.m_headers[2].m_value == "");
    CHECK(message.m_body == "body line\r\n");
}

TEST_CASE("bare LF input gives the same events, with a CRLF body") {
    const auto crlf = split_for_milter("A: 1\r\n 2\r\nB: 3\r\n\r\nx\r\ny\r\n");
    const auto lf = split_for_milter("A: 1\n 2\nB: 3\n\nx\ny\n");
    REQUIRE(lf.m_headers.size() == 2);
    CHECK(lf.m_headers[0].m_value == crlf.m_headers[0].m_value);
    CHECK(lf.m_headers[1].m_value == " 3");
    CHECK(lf.m_body == "x\r\ny\r\n");
    CHECK(lf.m_body == crlf.m_body);
}

TEST_CASE("a line that is no field ends the header section and starts the body") {
    const auto message = split_for_milter("A: 1\nnot a header\nB: 2\n");
    REQUIRE(message.m_headers.size() == 1);
    CHECK(message.m_body == "not a header\r\nB: 2\r\n");
}

TEST_CASE("an mbox From_ line is skipped; obsolete WSP before the colon stays in the name") {
    const auto message = split_for_milter(
        "From joe@example.com Sat Jan  3 01:05:34 1996\n"
        "Subject : hi\n\n");
    REQUIRE(message.m_headers.size() == 1);
    CHECK(message.m_headers[0].m_name == "Subject ");
    CHECK(message.m_headers[0].m_value == " hi");
    CHECK(message.m_body.empty());
}

TEST_CASE("no body separator: all headers, empty body; empty input: nothing") {
    const auto message = split_for_milter("A: 1\r\nB: 2");
    CHECK(message.m_headers.size() == 2);
    CHECK(message.m_headers[1].m_value == " 2");
    CHECK(message.m_body.empty());
    const auto empty = split_for_milter("");
    CHECK(empty.m_headers.empty());
    CHECK(empty.m_body.empty());
}

TEST_CASE("a continuation before any field is body") {
    const auto message = split_for_milter(" indented: x\nA: 1\n");
    CHECK(message.m_headers.empty());
    CHECK(message.m_body == " indented: x\r\nA: 1\r\n");
}

TEST_CASE("body chunks are at most the milter's chunk size") {
    const std::string body(65535 * 2 + 10, 'x');
    const auto chunks = body_chunks(body);
    REQUIRE(chunks.size() == 3);
    CHECK(chunks[0].size() == 65535);
    CHECK(chunks[2].size() == 10);
    CHECK(body_chunks("").empty());
    CHECK(body_chunks("abcde", 2).size() == 3);
}

TEST_CASE("read_all reads a whole stream") {
    std::istringstream in(std::string("A: 1\0\n", 6));
    const auto text = enma::app::read_all(in);
    REQUIRE(text);
    CHECK(text->size() == 6);
}
