// ip_address.hpp - an IPv4 or IPv6 address as a value, with CIDR matching.
//
// IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are folded to IPv4 by parse() and
// from_bytes(), because RFC 7208 section 5 says to evaluate them as IPv4; every caller
// therefore sees one form.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace enma::resolver {

class IpAddress {
public:
    enum class Family : std::uint8_t { v4, v6 };

    IpAddress() = default;
    static IpAddress v4(std::array<std::uint8_t, 4> bytes);
    static IpAddress v6(std::array<std::uint8_t, 16> bytes);  // folds v4-mapped to v4
    // parse - dotted quad or RFC 4291 text (with an optional %zone stripped); nullopt if bad.
    static std::optional<IpAddress> parse(std::string_view text);

    Family family() const noexcept { return m_family; }
    bool is_v4() const noexcept { return m_family == Family::v4; }
    bool is_v6() const noexcept { return m_family == Family::v6; }
    // bytes - 4 or 16 significant bytes in network order.
    const std::array<std::uint8_t, 16>& bytes() const noexcept { return m_bytes; }
    std::size_t size() const noexcept { return is_v4() ? 4 : 16; }

    // in_network - same family and the first `prefix_bits` bits equal (prefix is clamped).
    bool in_network(const IpAddress& network, unsigned prefix_bits) const noexcept;

    std::string to_string() const;
    // reverse_name - the in-addr.arpa / ip6.arpa name used for PTR lookups, without the dot.
    std::string reverse_name() const;
    // dotted_form - RFC 7208 %{i}: 32 dot-separated nibbles for IPv6, dotted quad for IPv4.
    std::string dotted_form() const;

    friend bool operator==(const IpAddress&, const IpAddress&) = default;

private:
    Family m_family = Family::v4;
    std::array<std::uint8_t, 16> m_bytes{};
};

// Network - an address with a prefix length, e.g. "192.0.2.0/24" or "2001:db8::/32".
struct Network {
    IpAddress m_address;
    unsigned m_prefix = 0;

    // parse - "ADDR" (full length) or "ADDR/LEN"; nullopt if malformed or LEN out of range.
    static std::optional<Network> parse(std::string_view text);
    bool contains(const IpAddress& address) const noexcept {
        return address.in_network(m_address, m_prefix);
    }
    std::string to_string() const;
};

}  // namespace enma::resolver
