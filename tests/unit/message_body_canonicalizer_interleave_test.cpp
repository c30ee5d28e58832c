// message_body_canonicalizer_interleave_test.cpp - BodyCanonicalizers on one thread share one
// output buffer (issue 13: no 16 KiB per message in flight); interleaving their chunks, as the
// messages of many connections are on one libmilter worker, gives each exactly the canonical
// body it gives alone, including output longer than the buffer and a CR split across chunks.
#include <doctest/doctest.h>

#include <string>

#include "verify/message/body_canonicalizer.hpp"

using enma::message::BodyCanonicalizer;
using enma::message::Canonicalization;

namespace {

std::string alone(Canonicalization canon, const std::string& body) {
    std::string out;
    BodyCanonicalizer c(canon, [&](std::string_view bytes) { out += bytes; });
    c.add(body);
    c.finish();
    return out;
}

}  // namespace

TEST_CASE("interleaved canonicalizers on one thread each get their own canonical body") {
    const std::string first = "Hello  \t world \r\n\r\nsecond line\r";
    const std::string second(BodyCanonicalizer::kBufferSize + 100, 'x');  // beyond the buffer
    std::string out_a, out_b;
    BodyCanonicalizer a(Canonicalization::relaxed, [&](std::string_view b) { out_a += b; });
    BodyCanonicalizer b(Canonicalization::simple, [&](std::string_view s) { out_b += s; });
    a.add(first);
    b.add(second.substr(0, 100));
    a.add("\nlast\r\n\r\n");
    b.add(second.substr(100) + "\r\n");
    a.finish();
    b.finish();
    CHECK(out_a == "Hello world\r\n\r\nsecond line\r\nlast\r\n");
    CHECK(out_a == alone(Canonicalization::relaxed, first + "\nlast\r\n\r\n"));
    CHECK(out_b == second + "\r\n");
    CHECK(out_b == alone(Canonicalization::simple, second + "\r\n"));
}
