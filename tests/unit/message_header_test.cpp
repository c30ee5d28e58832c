// message_header_test.cpp - header fields as received, unfolding, splitting a raw message.
#include <doctest/doctest.h>

#include <string>

#include "verify/message/header_field.hpp"

using enma::message::HeaderField;
using enma::message::split_message;
using enma::message::unfold;

TEST_CASE("split_message keeps raw values with folding and finds the body") {
    const std::string msg =
        "From: a@example.com\r\nSubject: one\r\n\ttwo\r\n  three\r\nX-Empty:\r\n\r\nbody\r\n";
    const auto block = split_message(msg);
    REQUIRE(block.m_fields.size() == 3);
    CHECK(block.m_fields[0].m_name == "From");
    CHECK(block.m_fields[0].m_raw_value == " a@example.com");
    CHECK(block.m_fields[1].m_raw_value == " one\r\n\ttwo\r\n  three");
    CHECK(block.m_fields[2].m_raw_value == "");
    CHECK(block.m_has_body_separator);
    CHECK(msg.substr(block.m_body_offset) == "body\r\n");
}

TEST_CASE("split_message with bare LF, WSP before the colon and no body") {
    const auto block = split_message("Subject : x\n\ty\nNo colon here\nTo:b\n");
    REQUIRE(block.m_fields.size() == 2);
    CHECK(block.m_fields[0].m_name == "Subject ");
    CHECK(block.m_fields[0].m_raw_value == " x\n\ty");
    CHECK(block.m_fields[0].is("subject"));
    CHECK(block.m_fields[1].m_raw_value == "b");
    CHECK_FALSE(block.m_has_body_separator);
}

TEST_CASE("unfold removes CRLF (or LF) before WSP only") {
    CHECK(unfold(" a\r\n\tb\r\n c") == " a\tb c");
    CHECK(unfold(" a\n b") == " a b");
    CHECK(unfold(" a\r\nb") == " a\r\nb");
}

TEST_CASE("split_message survives NULs, 8-bit bytes and a lone continuation") {
    const std::string msg("\tlead\r\nX:\0\xff\r\n\r\n", 15);
    const auto block = split_message(msg);
    REQUIRE(block.m_fields.size() == 1);
    CHECK(block.m_fields[0].m_raw_value == std::string("\0\xff", 2));
}
