// value_parse.hpp - text to typed value, one function per value type of enma.conf.
//
// Each parser gets a value already trimmed of surrounding blanks and either returns the
// typed value or throws ValueError whose text is the "why" part of a ConfigError; the
// caller adds origin, line and key. Offending input appears in the text through bounded().
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "conf/config.hpp"
#include "resolver/ip_address.hpp"

namespace enma::conf {

class ValueError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// parse_bool - true/yes/on/1 or false/no/off/0, any case (ENMA 1.2's set).
bool parse_bool(std::string_view text);
// parse_integer - optional '-' and decimal digits, within [min, max].
std::int64_t parse_integer(std::string_view text, std::int64_t min, std::int64_t max);
// parse_duration - NUMBER followed by ms, s, m or h; a plain number is seconds.
Duration parse_duration(std::string_view text, Duration min, Duration max);
// parse_size - NUMBER with an optional K, M or G suffix (powers of 1024); plain is bytes.
std::uint64_t parse_size(std::string_view text, std::uint64_t min, std::uint64_t max);
// parse_choice - index of `text` among `names`, any case; suggests the nearest name if none.
std::size_t parse_choice(std::string_view text, std::span<const std::string_view> names);
// parse_address_list - IPv4/IPv6 addresses or CIDR networks, comma or blank separated.
std::vector<resolver::Network> parse_address_list(std::string_view text);
// parse_host_list - IP[@port] items, comma or blank separated.
std::vector<HostAddress> parse_host_list(std::string_view text);
// parse_stub_zones - zone=IP[@port] items; repeating a zone adds a server to it.
std::vector<StubZone> parse_stub_zones(std::string_view text);
// parse_milter_socket - inet:PORT[@HOST], inet6:PORT[@HOST], unix:/path or local:/path.
std::string parse_milter_socket(std::string_view text);
// parse_domain_list - domain names (LDH labels, ASCII), comma or blank separated; lower-cased,
// a final dot dropped.
std::vector<std::string> parse_domain_list(std::string_view text);
// parse_smtp_relay - HOST[:PORT] (port 25 if none): an IPv4 address, an IPv6 address in
// brackets ([::1]:25) or a host name; empty is the unset relay.
SmtpRelay parse_smtp_relay(std::string_view text);
// parse_path - an absolute path; empty only if allow_empty.
std::string parse_path(std::string_view text, bool allow_empty);

// split_list - the non-empty items of a comma- or blank-separated list.
std::vector<std::string_view> split_list(std::string_view text);
// render_duration - the shortest exact form: "1h", "2m", "30s", "500ms".
std::string render_duration(Duration duration);
// render_size - the shortest exact form: "32M", "512K", "1000".
std::string render_size(std::uint64_t bytes);

}  // namespace enma::conf
