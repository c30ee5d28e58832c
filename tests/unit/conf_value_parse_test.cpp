// conf_value_parse_test.cpp - every enma.conf value type: accepted forms and exact errors.
#include <doctest/doctest.h>

#include <string>

#include "conf/value_parse.hpp"

using namespace enma::conf;
using namespace std::chrono_literals;

namespace {

// error_of - the ValueError text `parse` throws, or "no error".
template <typename Parse>
std::string error_of(Parse parse) {
    try {
        parse();
    } catch (const ValueError& error) {
        return error.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("bool accepts ENMA's words in any case") {
    for (const auto* text : {"true", "YES", "On", "1"}) {
        CHECK(parse_bool(text));
    }
    for (const auto* text : {"false", "no", "OFF", "0"}) {
        CHECK_FALSE(parse_bool(text));
    }
    CHECK(error_of([] { parse_bool("maybe"); }) ==
          "expected true or false (also yes/no, on/off, 1/0), got 'maybe'");
    CHECK(error_of([] { parse_bool(""); }) ==
          "expected true or false (also yes/no, on/off, 1/0), got ''");
}

TEST_CASE("integer with range") {
    CHECK(parse_integer("1232", 512, 4096) == 1232);
    CHECK(parse_integer("-5", -10, 10) == -5);
    CHECK(error_of([] { parse_integer("12a", 0, 100); }) == "expected an integer, got '12a'");
    CHECK(error_of([] { parse_integer("+3", 0, 100); }) == "expected an integer, got '+3'");
    CHECK(error_of([] { parse_integer("99999999999999999999", 0, 100); }) ==
          "expected an integer, got '99999999999999999999'");
    CHECK(error_of([] { parse_integer("100", 512, 4096); }) ==
          "must be between 512 and 4096, got 100");
}

TEST_CASE("duration: units, plain seconds, range") {
    CHECK(parse_duration("5s", 0ms, 1h) == 5s);
    CHECK(parse_duration("500ms", 0ms, 1h) == 500ms);
    CHECK(parse_duration("2m", 0ms, 1h) == 2min);
    CHECK(parse_duration("1H", 0ms, 1h) == 1h);
    CHECK(parse_duration("7", 0ms, 1h) == 7s);
    CHECK(error_of([] { parse_duration("5 s", 0ms, 1h); }) ==
          "expected a duration such as 5s, 500ms, 2m or 1h, got '5 s'");
    CHECK(error_of([] { parse_duration("1.5s", 0ms, 1h); }) ==
          "expected a duration such as 5s, 500ms, 2m or 1h, got '1.5s'");
    CHECK(error_of([] { parse_duration("s", 0ms, 1h); }) ==
          "expected a duration such as 5s, 500ms, 2m or 1h, got 's'");
    CHECK(error_of([] { parse_duration("99999999999999h", 0ms, 1h); }) ==
          "expected a duration such as 5s, 500ms, 2m or 1h, got '99999999999999h'");
    CHECK(error_of([] { parse_duration("2m", 100ms, 1min); }) ==
          "must be between 100ms and 1m, got 2m");
    CHECK(render_duration(7210s) == "7210s");
    CHECK(render_duration(90min) == "90m");
    CHECK(render_duration(1500ms) == "1500ms");
    CHECK(render_duration(0ms) == "0s");
}

TEST_CASE("size: suffixes are powers of 1024") {
    CHECK(parse_size("32M", 0, 1ULL << 40) == 32ULL << 20);
    CHECK(parse_size("512k", 0, 1ULL << 40) == 512ULL << 10);
    CHECK(parse_size("2G", 0, 1ULL << 40) == 2ULL << 30);
    CHECK(parse_size("1000", 0, 1ULL << 40) == 1000);
    CHECK(error_of([] { parse_size("32MB", 0, 1ULL << 40); }) ==
          "expected a size such as 512K, 32M or 1G, got '32MB'");
    CHECK(error_of([] { parse_size("512K", 1ULL << 20, 64ULL << 30); }) ==
          "must be between 1M and 64G, got 512K");
    CHECK(render_size(1536) == "1536");
    CHECK(render_size(3ULL << 30) == "3G");
}

TEST_CASE("choice: any case, error lists the names and suggests one") {
    constexpr std::array<std::string_view, 3> names{"recursive", "forward", "system"};
    CHECK(parse_choice("Forward", names) == 1);
    CHECK(error_of([&] { parse_choice("forwad", names); }) ==
          "expected one of recursive, forward, system, got 'forwad'; did you mean 'forward'?");
    CHECK(error_of([&] { parse_choice("xyz", names); }) ==
          "expected one of recursive, forward, system, got 'xyz'");
}

TEST_CASE("address list: IPv4, IPv6, CIDR, comma or blank separated") {
    const auto list = parse_address_list("127.0.0.1,::1  192.0.2.0/24,\t2001:db8::/32");
    REQUIRE(list.size() == 4);
    CHECK(list[0].to_string() == "127.0.0.1/32");
    CHECK(list[1].to_string() == "::1/128");
    CHECK(list[2].contains(*enma::resolver::IpAddress::parse("192.0.2.77")));
    CHECK(list[3].m_prefix == 32);
    CHECK(parse_address_list("").empty());
    CHECK(error_of([] { parse_address_list("127.0.0.1, 10.0.0.0/33"); }) ==
          "'10.0.0.0/33' is not an IPv4 or IPv6 address or CIDR network");
    CHECK(error_of([] { parse_address_list("localhost"); }) ==
          "'localhost' is not an IPv4 or IPv6 address or CIDR network");
}

TEST_CASE("host list: IP[@port], IPv6 too") {
    const auto hosts = parse_host_list("192.0.2.53, 2001:db8::53@5353");
    REQUIRE(hosts.size() == 2);
    CHECK(hosts[0].m_port == 53);
    CHECK(hosts[0].to_string() == "192.0.2.53");
    CHECK(hosts[1].m_port == 5353);
    CHECK(hosts[1].to_string() == "2001:db8::53@5353");
    CHECK(error_of([] { parse_host_list("ns.example.net"); }) ==
          "'ns.example.net' is not IP[@port]");
    CHECK(error_of([] { parse_host_list("192.0.2.53@0"); }) ==
          "'192.0.2.53@0': port must be between 1 and 65535");
    CHECK(error_of([] { parse_host_list("192.0.2.53@"); }) ==
          "'192.0.2.53@': port must be between 1 and 65535");
}

TEST_CASE("stub zones: zone=IP[@port], a repeated zone gains servers") {
    const auto zones =
        parse_stub_zones("Corp.Example.=10.0.0.1, corp.example=10.0.0.2@5353 .=192.0.2.1");
    REQUIRE(zones.size() == 2);
    CHECK(zones[0].m_zone == "corp.example");
    REQUIRE(zones[0].m_servers.size() == 2);
    CHECK(zones[0].m_servers[1].to_string() == "10.0.0.2@5353");
    CHECK(zones[1].m_zone == ".");
    CHECK(error_of([] { parse_stub_zones("corp.example"); }) ==
          "'corp.example' is not zone=IP[@port]");
    CHECK(error_of([] { parse_stub_zones("a..b=10.0.0.1"); }) ==
          "'a..b=10.0.0.1': 'a..b' is not a domain name");
    CHECK(error_of([] { parse_stub_zones("corp=ns1"); }) == "'ns1' is not IP[@port]");
}

TEST_CASE("milter socket: libmilter's forms") {
    CHECK(parse_milter_socket("inet:10025@127.0.0.1") == "inet:10025@127.0.0.1");
    CHECK(parse_milter_socket("INET6:10025@::1") == "inet6:10025@::1");
    CHECK(parse_milter_socket("inet:10025") == "inet:10025");
    CHECK(parse_milter_socket("unix:/run/enma/enma.sock") == "unix:/run/enma/enma.sock");
    CHECK(parse_milter_socket("local:/run/enma.sock") == "local:/run/enma.sock");
    const std::string why =
        "expected inet:PORT@HOST, inet6:PORT@HOST, unix:/path or local:/path, got ";
    CHECK(error_of([] { parse_milter_socket("inet:0@127.0.0.1"); }) == why + "'inet:0@127.0.0.1'");
    CHECK(error_of([] { parse_milter_socket("inet:10025@"); }) == why + "'inet:10025@'");
    CHECK(error_of([] { parse_milter_socket("unix:relative"); }) == why + "'unix:relative'");
    CHECK(error_of([] { parse_milter_socket("tcp:25"); }) == why + "'tcp:25'");
    CHECK(error_of([] { parse_milter_socket("/tmp/s"); }) == why + "'/tmp/s'");
}

TEST_CASE("path must be absolute") {
    CHECK(parse_path("/var/tmp", false) == "/var/tmp");
    CHECK(parse_path("", true).empty());
    CHECK(error_of([] { parse_path("", false); }) == "expected an absolute path, got ''");
    CHECK(error_of([] { parse_path("var/tmp", true); }) ==
          "expected an absolute path, got 'var/tmp'");
}

TEST_CASE("untrusted text in errors is bounded and escaped") {
    CHECK(error_of([] { parse_bool("a\x01\xff"); }) ==
          "expected true or false (also yes/no, on/off, 1/0), got 'a\\x01\\xff'");
    const std::string long_text(100, 'x');
    CHECK(error_of([&] { parse_bool(long_text); }) ==
          "expected true or false (also yes/no, on/off, 1/0), got '" + std::string(64, 'x') +
              "...'");
}

TEST_CASE("split_list drops empty items") {
    const auto items = split_list(" a,,b \t c, ");
    REQUIRE(items.size() == 3);
    CHECK(items[0] == "a");
    CHECK(items[2] == "c");
}

TEST_CASE("domain list: lower-cased, final dot dropped, LDH labels only") {
    CHECK(parse_domain_list("Lists.Example., fwd.example") ==
          std::vector<std::string>{"lists.example", "fwd.example"});
    CHECK(parse_domain_list("").empty());
    CHECK_THROWS_WITH_AS(parse_domain_list("ok.example bad!name"),
                         "'bad!name' is not a domain name (A-labels)", ValueError);
    CHECK_THROWS_AS(parse_domain_list("a..example"), ValueError);
    CHECK_THROWS_AS(parse_domain_list(std::string(64, 'a') + ".example"), ValueError);
}
