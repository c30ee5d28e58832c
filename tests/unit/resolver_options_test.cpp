// resolver_options_test.cpp - "IP[@port]" parsing and the start-up check of ResolverOptions.
#include <doctest/doctest.h>

#include <string>

#include "resolver/resolver_options.hpp"

using enma::resolver::IpAddress;
using enma::resolver::parse_mode;
using enma::resolver::ResolverOptions;
using enma::resolver::ServerAddress;
using enma::resolver::validate_options;

namespace {

// valid - options that pass: validation off avoids depending on the root anchor file.
ResolverOptions valid() {
    ResolverOptions options;
    options.m_dnssec = false;
    return options;
}

std::string error_of(const ResolverOptions& options) {
    const auto error = validate_options(options);
    return error ? *error : "";
}

}  // namespace

TEST_CASE("defaults are the documented ones") {
    const ResolverOptions options;
    CHECK(options.m_mode == ResolverOptions::Mode::recursive);
    CHECK(options.m_dnssec);
    CHECK(options.m_root_trust_anchor_file == "/usr/share/dns/root.key");
    CHECK(options.m_edns_buffer_size == 1232);
    CHECK(options.m_query_timeout == std::chrono::seconds(5));
    CHECK(options.m_cache_size == 32u * 1024 * 1024);
    CHECK(options.m_forwarders.empty());
    CHECK(options.m_stub_zones.empty());
}

TEST_CASE("server addresses: IPv4 or IPv6, optional @port") {
    const auto plain = ServerAddress::parse("192.0.2.53");
    REQUIRE(plain.has_value());
    CHECK(plain->m_address == *IpAddress::parse("192.0.2.53"));
    CHECK(plain->m_port == 53);
    CHECK(plain->to_string() == "192.0.2.53@53");

    const auto six = ServerAddress::parse("2001:db8::1@5353");
    REQUIRE(six.has_value());
    CHECK(six->m_port == 5353);
    CHECK(six->to_string() == "2001:db8::1@5353");
    CHECK(ServerAddress::parse("::1@65535")->m_port == 65535);

    CHECK_FALSE(ServerAddress::parse(""));
    CHECK_FALSE(ServerAddress::parse("dns.example"));
    CHECK_FALSE(ServerAddress::parse("192.0.2.1@0"));
    CHECK_FALSE(ServerAddress::parse("192.0.2.1@65536"));
    CHECK_FALSE(ServerAddress::parse("192.0.2.1@"));
    CHECK_FALSE(ServerAddress::parse("192.0.2.1@53x"));
    CHECK_FALSE(ServerAddress::parse("192.0.2.1:53"));
    CHECK_FALSE(ServerAddress::parse("fe80::1%eth0"));
    CHECK_FALSE(ServerAddress::parse("256.0.0.1"));
}

TEST_CASE("validate_options names the first bad value") {
    CHECK(error_of(valid()) == "");
    CHECK(error_of(ResolverOptions{}) == "");  // dns-root-data is installed here

    auto forward = valid();
    forward.m_mode = ResolverOptions::Mode::forward;
    CHECK(error_of(forward) == "resolver.forwarders: no server given");
    forward.m_forwarders = {"127.0.0.1@5300", "::1"};
    CHECK(error_of(forward) == "");
    forward.m_forwarders.push_back("10.0.0.1@99999");
    CHECK(error_of(forward) ==
          "resolver.forwarders: \"10.0.0.1@99999\" is not IP[@port] "
          "(IPv4 or IPv6 address, port 1-65535)");

    auto system = valid();
    system.m_mode = ResolverOptions::Mode::system;
    system.m_resolv_conf = "/nonexistent/resolv.conf";
    CHECK(error_of(system) == "resolver.mode system: /nonexistent/resolv.conf cannot be read");

    auto stub = valid();
    stub.m_stub_zones = {{"corp.example", {"192.0.2.1"}}, {"a..b", {"192.0.2.1"}}};
    CHECK(error_of(stub) == "resolver.stub_zones: \"a..b\" is not a domain name");
    stub.m_stub_zones = {{"corp.example", {}}};
    CHECK(error_of(stub) == "resolver.stub_zones corp.example: no server given");

    auto anchors = ResolverOptions{};
    anchors.m_trust_anchor_files = {"/nonexistent/k.key"};
    CHECK(error_of(anchors) == "trust anchor file /nonexistent/k.key cannot be read");
    anchors.m_dnssec = false;  // anchors are not read without validation
    CHECK(error_of(anchors) == "");
    anchors = ResolverOptions{};
    anchors.m_root_trust_anchor_file = "/nonexistent/root.key";
    CHECK(error_of(anchors) ==
          "root trust anchor file /nonexistent/root.key cannot be read "
          "(install dns-root-data, or turn resolver.dnssec off)");
    anchors.m_root_trust_anchor_file.clear();
    anchors.m_trust_anchors = {"  "};
    CHECK(error_of(anchors) == "an inline trust anchor is empty");

    auto limits = valid();
    limits.m_edns_buffer_size = 511;
    CHECK(error_of(limits) == "resolver.edns_buffer_size: 511 is not within 512..4096");
    limits.m_edns_buffer_size = 4097;
    CHECK(error_of(limits) == "resolver.edns_buffer_size: 4097 is not within 512..4096");
    limits.m_edns_buffer_size = 4096;
    CHECK(error_of(limits) == "");
    limits = valid();
    limits.m_query_timeout = std::chrono::milliseconds(99);
    CHECK(error_of(limits) == "resolver.query_timeout: must be within 100ms..1m");
    limits.m_query_timeout = std::chrono::seconds(61);
    CHECK(error_of(limits) == "resolver.query_timeout: must be within 100ms..1m");
    limits = valid();
    limits.m_cache_size = 1000;
    CHECK(error_of(limits) == "resolver.cache_size: below 1 MiB");
}

TEST_CASE("modes by name") {
    CHECK(parse_mode("recursive") == ResolverOptions::Mode::recursive);
    CHECK(parse_mode("Forward") == ResolverOptions::Mode::forward);
    CHECK(parse_mode("SYSTEM") == ResolverOptions::Mode::system);
    CHECK_FALSE(parse_mode("stub"));
    CHECK_FALSE(parse_mode(""));
    CHECK(to_string(ResolverOptions::Mode::forward) == "forward");
}
