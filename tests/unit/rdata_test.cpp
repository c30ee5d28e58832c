// rdata_test.cpp - wire RDATA decoding: each type, exact values, and malformed input refused.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "resolver/rdata.hpp"

using enma::resolver::IpAddress;
using enma::resolver::MxRecord;
using enma::resolver::parse_rdata;
using enma::resolver::parse_wire_name;
using enma::resolver::RecordData;
using enma::resolver::RrType;

namespace {

using Bytes = std::vector<std::uint8_t>;

// wire - a name in wire format from dotted text (no escapes), root label included.
Bytes wire(const std::string& name) {
    Bytes out;
    std::size_t start = 0;
    while (start < name.size()) {
        auto end = name.find('.', start);
        if (end == std::string::npos)
            end = name.size();
        out.push_back(static_cast<std::uint8_t>(end - start));
        out.insert(out.end(), name.begin() + start, name.begin() + end);
        start = end + 1;
    }
    out.push_back(0);
    return out;
}

Bytes cat(Bytes a, const Bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

Bytes text(const std::string& s) {
    Bytes out{static_cast<std::uint8_t>(s.size())};
    out.insert(out.end(), s.begin(), s.end());
    return out;
}

std::string as_text(const std::optional<RecordData>& data) {
    REQUIRE(data.has_value());
    REQUIRE(std::holds_alternative<std::string>(*data));
    return std::get<std::string>(*data);
}

}  // namespace

TEST_CASE("A and AAAA need exactly 4 and 16 bytes") {
    const auto a = parse_rdata(RrType::a, Bytes{192, 0, 2, 1});
    REQUIRE(a.has_value());
    CHECK(std::get<IpAddress>(*a) == *IpAddress::parse("192.0.2.1"));

    Bytes six(16, 0);
    six[0] = 0x20;
    six[1] = 0x01;
    six[2] = 0x0d;
    six[3] = 0xb8;
    six[15] = 0x10;
    const auto aaaa = parse_rdata(RrType::aaaa, six);
    REQUIRE(aaaa.has_value());
    CHECK(std::get<IpAddress>(*aaaa) == *IpAddress::parse("2001:db8::10"));

    CHECK_FALSE(parse_rdata(RrType::a, Bytes{192, 0, 2}));
    CHECK_FALSE(parse_rdata(RrType::a, Bytes{192, 0, 2, 1, 0}));
    CHECK_FALSE(parse_rdata(RrType::aaaa, Bytes(15, 0)));
    CHECK_FALSE(parse_rdata(RrType::aaaa, Bytes{}));
}

TEST_CASE("MX is a preference and a name, nothing after it") {
    const auto mx = parse_rdata(RrType::mx, cat(Bytes{0, 10}, wire("mail.example.com")));
    REQUIRE(mx.has_value());
    CHECK(std::get<MxRecord>(*mx) == MxRecord{10, "mail.example.com"});

    const auto big = parse_rdata(RrType::mx, cat(Bytes{0x01, 0x02}, wire("mx.example")));
    CHECK(std::get<MxRecord>(*big).m_preference == 258);

    // RFC 7505 null MX: preference 0 and the root name.
    const auto null_mx = parse_rdata(RrType::mx, Bytes{0, 0, 0});
    CHECK(std::get<MxRecord>(*null_mx) == MxRecord{0, ""});

    CHECK_FALSE(parse_rdata(RrType::mx, Bytes{0, 10}));
    CHECK_FALSE(parse_rdata(RrType::mx, cat(cat(Bytes{0, 10}, wire("a.example")), Bytes{1})));
}

TEST_CASE("PTR, CNAME and NS are one name") {
    CHECK(as_text(parse_rdata(RrType::ptr, wire("www.signed.example"))) == "www.signed.example");
    CHECK(as_text(parse_rdata(RrType::cname, wire("a.b"))) == "a.b");
    CHECK(as_text(parse_rdata(RrType::ns, wire("ns1.example.net"))) == "ns1.example.net");
    CHECK_FALSE(parse_rdata(RrType::ptr, Bytes{}));
    CHECK_FALSE(parse_rdata(RrType::ptr, cat(wire("a.b"), Bytes{0})));  // trailing byte
}

TEST_CASE("names: escapes, case kept, limits, no compression") {
    std::size_t offset = 0;
    const Bytes odd{3, 'a', '.', 'b', 2, '\\', ' ', 2, 'X', 0x07, 0};
    CHECK(parse_wire_name(odd, offset) == std::optional<std::string>("a\\.b.\\\\\\032.X\\007"));
    CHECK(offset == odd.size());

    offset = 0;
    CHECK(parse_wire_name(wire("MiXeD.Example"), offset) ==
          std::optional<std::string>("MiXeD.Example"));

    offset = 0;
    CHECK_FALSE(parse_wire_name(Bytes{0xc0, 0x0c}, offset));  // compression pointer
    CHECK(offset == 0);                                       // untouched on failure
    CHECK_FALSE(parse_wire_name(Bytes{0x40, 0}, offset));     // extended label type
    CHECK_FALSE(parse_wire_name(Bytes{0x80, 0}, offset));
    CHECK_FALSE(parse_wire_name(Bytes{3, 'a', 'b'}, offset));       // label runs past the end
    CHECK_FALSE(parse_wire_name(Bytes{3, 'a', 'b', 'c'}, offset));  // no root label
    CHECK_FALSE(parse_wire_name(Bytes{}, offset));

    // 255 octets in all is the limit: 4 labels of 63 = 256 octets with the root.
    Bytes longest;
    for (int i = 0; i < 3; ++i) {
        longest.push_back(63);
        longest.insert(longest.end(), 63, 'x');
    }
    longest.push_back(61);
    longest.insert(longest.end(), 61, 'y');
    longest.push_back(0);
    REQUIRE(longest.size() == 255);
    offset = 0;
    CHECK(parse_wire_name(longest, offset).has_value());
    longest.insert(longest.end() - 1, 'y');
    longest[192] = 62;
    offset = 0;
    CHECK_FALSE(parse_wire_name(longest, offset));
}

TEST_CASE("TXT and SPF join their character-strings without separators") {
    CHECK(as_text(parse_rdata(RrType::txt, cat(text("v=spf1 "), text("-all")))) == "v=spf1 -all");
    CHECK(as_text(parse_rdata(RrType::spf, text("v=spf1 ~all"))) == "v=spf1 ~all");
    CHECK(as_text(parse_rdata(RrType::txt, text(""))) == "");  // one empty string
    CHECK(as_text(parse_rdata(RrType::txt, cat(text(""), text("x")))) == "x");

    const std::string chunk(255, 'k');
    const auto joined = parse_rdata(RrType::txt, cat(cat(text(chunk), text(chunk)), text("end")));
    CHECK(as_text(joined).size() == 513);

    const Bytes binary{3, 0, 'a', 0xff};
    CHECK(as_text(parse_rdata(RrType::txt, binary)) == std::string("\0a\xff", 3));

    CHECK_FALSE(parse_rdata(RrType::txt, Bytes{}));             // no string at all
    CHECK_FALSE(parse_rdata(RrType::txt, Bytes{5, 'a', 'b'}));  // length past the end
    CHECK_FALSE(parse_rdata(RrType::txt, cat(text("ok"), Bytes{9})));
}

TEST_CASE("an unknown type is refused") {
    CHECK_FALSE(parse_rdata(static_cast<RrType>(6), Bytes{1, 2, 3, 4}));
}
