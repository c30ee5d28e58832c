// ip_address.cpp - IpAddress parsing, formatting and prefix matching (inet_pton / inet_ntop).
#include "resolver/ip_address.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace enma::resolver {

namespace {
constexpr char kHex[] = "0123456789abcdef";

bool is_v4_mapped(const std::array<std::uint8_t, 16>& b) {
    for (int i = 0; i < 10; ++i)
        if (b[i] != 0)
            return false;
    return b[10] == 0xff && b[11] == 0xff;
}
}  // namespace

IpAddress IpAddress::v4(std::array<std::uint8_t, 4> bytes) {
    IpAddress address;
    address.m_family = Family::v4;
    std::memcpy(address.m_bytes.data(), bytes.data(), 4);
    return address;
}

IpAddress IpAddress::v6(std::array<std::uint8_t, 16> bytes) {
    if (is_v4_mapped(bytes))
        return v4({bytes[12], bytes[13], bytes[14], bytes[15]});
    IpAddress address;
    address.m_family = Family::v6;
    address.m_bytes = bytes;
    return address;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
    if (text.empty() || text.size() > 63)
        return std::nullopt;
    std::string buffer(text.substr(0, text.find('%')));
    std::array<std::uint8_t, 16> bytes{};
    if (buffer.find(':') == std::string::npos) {
        if (inet_pton(AF_INET, buffer.c_str(), bytes.data()) != 1)
            return std::nullopt;
        return v4({bytes[0], bytes[1], bytes[2], bytes[3]});
    }
    if (inet_pton(AF_INET6, buffer.c_str(), bytes.data()) != 1)
        return std::nullopt;
    return v6(bytes);
}

bool IpAddress::in_network(const IpAddress& network, unsigned prefix_bits) const noexcept {
    if (m_family != network.m_family)
        return false;
    const unsigned max_bits = static_cast<unsigned>(size()) * 8;
    if (prefix_bits > max_bits)
        prefix_bits = max_bits;
    const unsigned whole = prefix_bits / 8;
    if (std::memcmp(m_bytes.data(), network.m_bytes.data(), whole) != 0)
        return false;
    const unsigned rest = prefix_bits % 8;
    if (rest == 0)
        return true;
    const std::uint8_t mask = static_cast<std::uint8_t>(0xff << (8 - rest));
    return (m_bytes[whole] & mask) == (network.m_bytes[whole] & mask);
}

std::string IpAddress::to_string() const {
    char text[INET6_ADDRSTRLEN];
    inet_ntop(is_v4() ? AF_INET : AF_INET6, m_bytes.data(), text, sizeof text);
    return text;
}

std::string IpAddress::dotted_form() const {
    if (is_v4())
        return to_string();
    std::string out;
    out.reserve(63);
    for (std::size_t i = 0; i < 16; ++i) {
        if (i)
            out += '.';
        out += kHex[m_bytes[i] >> 4];
        out += '.';
        out += kHex[m_bytes[i] & 0x0f];
    }
    return out;
}

std::string IpAddress::reverse_name() const {
    std::string out;
    if (is_v4()) {
        for (int i = 3; i >= 0; --i)
            out += std::to_string(m_bytes[i]) + '.';
        return out + "in-addr.arpa";
    }
    for (int i = 15; i >= 0; --i) {
        out += kHex[m_bytes[i] & 0x0f];
        out += '.';
        out += kHex[m_bytes[i] >> 4];
        out += '.';
    }
    return out + "ip6.arpa";
}

std::optional<Network> Network::parse(std::string_view text) {
    const auto slash = text.find('/');
    auto address = IpAddress::parse(text.substr(0, slash));
    if (!address)
        return std::nullopt;
    const unsigned max_bits = static_cast<unsigned>(address->size()) * 8;
    unsigned prefix = max_bits;
    if (slash != std::string_view::npos) {
        const auto digits = text.substr(slash + 1);
        if (digits.empty() || digits.size() > 3)
            return std::nullopt;
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
        if (ec != std::errc{} || end != digits.data() + digits.size())
            return std::nullopt;
        // A v4-mapped network was folded to v4: its prefix counts from bit 96.
        if (address->is_v4() && text.substr(0, slash).find(':') != std::string_view::npos) {
            if (prefix < 96)
                return std::nullopt;
            prefix -= 96;
        }
        if (prefix > max_bits)
            return std::nullopt;
    }
    return Network{*address, prefix};
}

std::string Network::to_string() const {
    return m_address.to_string() + '/' + std::to_string(m_prefix);
}

}  // namespace enma::resolver
