// ip_address_test.cpp - parsing, formatting, v4-mapped folding, CIDR matching.
#include <doctest/doctest.h>

#include "resolver/ip_address.hpp"

using enma::resolver::IpAddress;
using enma::resolver::Network;

TEST_CASE("IPv4 parse and format") {
    auto a = IpAddress::parse("192.0.2.10");
    REQUIRE(a);
    CHECK(a->is_v4());
    CHECK(a->to_string() == "192.0.2.10");
    CHECK(a->reverse_name() == "10.2.0.192.in-addr.arpa");
    CHECK_FALSE(IpAddress::parse("192.0.2"));
    CHECK_FALSE(IpAddress::parse("192.0.2.256"));
    CHECK_FALSE(IpAddress::parse(""));
}

TEST_CASE("IPv6 parse, nibble forms") {
    auto a = IpAddress::parse("2001:db8::cb01");
    REQUIRE(a);
    CHECK(a->is_v6());
    CHECK(a->to_string() == "2001:db8::cb01");
    CHECK(a->dotted_form() == "2.0.0.1.0.d.b.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.c.b.0.1");
    CHECK(a->reverse_name() ==
          "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
}

TEST_CASE("IPv4-mapped IPv6 is folded to IPv4 (RFC 7208 section 5)") {
    auto a = IpAddress::parse("::ffff:192.0.2.1");
    REQUIRE(a);
    CHECK(a->is_v4());
    CHECK(*a == *IpAddress::parse("192.0.2.1"));
}

TEST_CASE("CIDR matching") {
    auto net = Network::parse("192.0.2.0/24");
    REQUIRE(net);
    CHECK(net->contains(*IpAddress::parse("192.0.2.200")));
    CHECK_FALSE(net->contains(*IpAddress::parse("192.0.3.1")));
    CHECK_FALSE(net->contains(*IpAddress::parse("2001:db8::1")));
    auto odd = Network::parse("10.0.0.0/9");
    REQUIRE(odd);
    CHECK(odd->contains(*IpAddress::parse("10.127.255.255")));
    CHECK_FALSE(odd->contains(*IpAddress::parse("10.128.0.0")));
    auto v6 = Network::parse("2001:db8::/32");
    REQUIRE(v6);
    CHECK(v6->contains(*IpAddress::parse("2001:db8:ffff::1")));
    CHECK(Network::parse("0.0.0.0/0")->contains(*IpAddress::parse("203.0.113.9")));
    CHECK_FALSE(Network::parse("192.0.2.0/33"));
    CHECK_FALSE(Network::parse("192.0.2.0/"));
    CHECK_FALSE(Network::parse("192.0.2.0/2x"));
    CHECK(Network::parse("::ffff:192.0.2.0/120")->to_string() == "192.0.2.0/24");
}
