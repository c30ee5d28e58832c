// message_canonicalization_test.cpp - DKIM header and body canonicalisation (RFC 6376 3.4),
// the body as a stream split at every possible point.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "verify/message/body_canonicalizer.hpp"
#include "verify/message/canonicalization.hpp"

using enma::message::BodyCanonicalizer;
using enma::message::Canonicalization;
using enma::message::canonicalize_header;

namespace {

// canon - the canonical body of `body` fed as chunks of `chunk` bytes (0: one chunk).
std::string canon(Canonicalization c, std::string_view body, std::size_t chunk = 0,
                  std::optional<std::uint64_t> limit = std::nullopt) {
    std::string out;
    BodyCanonicalizer canonicalizer(
        c, [&](std::string_view bytes) { out += bytes; }, limit);
    if (chunk == 0)
        chunk = body.size() + 1;
    for (std::size_t i = 0; i < body.size(); i += chunk)
        canonicalizer.add(body.substr(i, chunk));
    canonicalizer.finish();
    return out;
}

std::string split_at(Canonicalization c, std::string_view body, std::size_t at) {
    std::string out;
    BodyCanonicalizer canonicalizer(c, [&](std::string_view bytes) { out += bytes; });
    canonicalizer.add(body.substr(0, at));
    canonicalizer.add(body.substr(at));
    canonicalizer.finish();
    return out;
}

constexpr auto simple = Canonicalization::simple;
constexpr auto relaxed = Canonicalization::relaxed;

}  // namespace

TEST_CASE("RFC 6376 3.4.5 example: headers") {
    CHECK(canonicalize_header(relaxed, "A", " X") == "a:X\r\n");
    CHECK(canonicalize_header(relaxed, "B ", " Y\t\r\n\tZ  ") == "b:Y Z\r\n");
    CHECK(canonicalize_header(simple, "A", " X") == "A: X\r\n");
    CHECK(canonicalize_header(simple, "B ", " Y\t\r\n\tZ  ") == "B : Y\t\r\n\tZ  \r\n");
}

TEST_CASE("simple header canonicalisation turns bare LF folding into CRLF") {
    CHECK(canonicalize_header(simple, "Subject", " a\n\tb") == "Subject: a\r\n\tb\r\n");
    CHECK(canonicalize_header(relaxed, "Subject", " a\n\tb") == "subject:a b\r\n");
}

TEST_CASE("RFC 6376 3.4.5 example: body") {
    const std::string body = " C \r\nD \t E\r\n\r\n\r\n";
    CHECK(canon(relaxed, body) == " C\r\nD E\r\n");
    CHECK(canon(simple, body) == " C \r\nD \t E\r\n");
}

TEST_CASE("empty bodies and bodies of empty lines") {
    CHECK(canon(simple, "") == "\r\n");
    CHECK(canon(relaxed, "") == "");
    CHECK(canon(simple, "\r\n\r\n\r\n") == "\r\n");
    CHECK(canon(relaxed, "\r\n \t\r\n\r\n") == "");
    CHECK(canon(simple, " \r\n") == " \r\n");
}

TEST_CASE("a body without a final CRLF gets one") {
    CHECK(canon(simple, "abc") == "abc\r\n");
    CHECK(canon(relaxed, "abc  ") == "abc\r\n");
    CHECK(canon(simple, "a\r\n\r\nb") == "a\r\n\r\nb\r\n");
}

TEST_CASE("bare LF is a line end, a lone CR is an ordinary byte") {
    CHECK(canon(simple, "a\nb\n\n") == "a\r\nb\r\n");
    CHECK(canon(relaxed, "a \n\n") == "a\r\n");
    CHECK(canon(simple, "a\rb\r\n") == "a\rb\r\n");
    CHECK(canon(simple, "a\r") == "a\r\r\n");
    CHECK(canon(relaxed, "a \r b") == "a \r b\r\n");
}

TEST_CASE("relaxed keeps one space for leading and inner WSP runs") {
    CHECK(canon(relaxed, "\t\ta  \t b\r\n") == " a b\r\n");
}

TEST_CASE("8-bit bytes and NULs pass through") {
    const std::string body("caf\xc3\xa9\0x\r\n", 9);
    CHECK(canon(simple, body) == body);
    CHECK(canon(relaxed, body) == body);
}

TEST_CASE("every split point and 1-byte chunks give the one-chunk result") {
    const std::vector<std::string> bodies = {" C \r\nD \t E\r\n\r\n\r\n",
                                             "a\r\n\r\n \r\nb  \t\r\n\r\n",
                                             "x\n\ny \n\n",
                                             "\r\r\n\r",
                                             "  \t  ",
                                             "line\r\n\t \r\n\r\nend  ",
                                             std::string("\0\r\n \0", 5)};
    for (auto c : {simple, relaxed}) {
        for (const auto& body : bodies) {
            const std::string whole = canon(c, body);
            CHECK(canon(c, body, 1) == whole);
            CHECK(canon(c, body, 3) == whole);
            for (std::size_t at = 0; at <= body.size(); ++at)
                CHECK(split_at(c, body, at) == whole);
        }
    }
}

TEST_CASE("l= limits the bytes reaching the sink, not the count of canonical bytes") {
    std::string out;
    BodyCanonicalizer c(
        relaxed, [&](std::string_view b) { out += b; }, 5);
    c.add("abc  def\r\n\r\n");
    c.finish();
    CHECK(out == "abc d");
    CHECK(c.hashed_length() == 5);
    CHECK(c.total_length() == 9);
    CHECK(canon(simple, "hello\r\n", 1, 0) == "");
    CHECK(canon(simple, "hello\r\n", 1, 100) == "hello\r\n");
}

TEST_CASE("a million empty lines are held as a count, then collapse") {
    std::size_t calls = 0;
    std::string out;
    BodyCanonicalizer c(simple, [&](std::string_view b) {
        ++calls;
        out += b;
    });
    c.add("x\r\n");
    const std::string blank(2000, '\n');
    for (int i = 0; i < 500; ++i)
        c.add(blank);
    c.finish();
    CHECK(out == "x\r\n");
    CHECK(c.total_length() == 3);
}

TEST_CASE("bodies larger than the output buffer: same bytes whatever the chunks, few sink calls") {
    std::string body;
    for (int i = 0; i < 3000; ++i)
        body += (i % 7 == 0 ? std::string(40000, i % 2 ? ' ' : 'w') : "word  \tword ") +
                (i % 5 == 0    ? "\r\n"
                 : i % 11 == 0 ? "\r\n\r\n  \r\n"
                               : "");
    body += "\r\n\r\n";
    for (auto c : {simple, relaxed}) {
        const std::string whole = canon(c, body);
        CHECK(canon(c, body, 7) == whole);
        CHECK(canon(c, body, 65535) == whole);
        std::size_t calls = 0;
        BodyCanonicalizer canonicalizer(c, [&](std::string_view) { ++calls; });
        canonicalizer.add(body);
        canonicalizer.finish();
        CHECK(canonicalizer.total_length() == whole.size());
        CHECK(calls * 1024 < whole.size());  // large spans, not a call per line or byte
    }
}
