// resolver_options.cpp - ServerAddress parsing and the start-up check of ResolverOptions.
#include "resolver/resolver_options.hpp"

#include <unistd.h>

#include <charconv>

#include "resolver/resolver.hpp"

namespace enma::resolver {

namespace {

constexpr std::size_t kMinCacheSize = 1u << 20;
// The same ranges as the config layer's key table (docs/configuration.md).
constexpr auto kMinQueryTimeout = std::chrono::milliseconds(100);
constexpr auto kMaxQueryTimeout = std::chrono::minutes(1);

bool readable(const std::string& path) {
    return access(path.c_str(), R_OK) == 0;
}

// check_servers - the first bad "IP[@port]" of `servers`, described; nullopt if all are good.
std::optional<std::string> check_servers(const std::vector<std::string>& servers,
                                         std::string_view what) {
    if (servers.empty())
        return std::string(what) + ": no server given";
    for (const auto& server : servers) {
        if (!ServerAddress::parse(server))
            return std::string(what) + ": \"" + server +
                   "\" is not IP[@port] (IPv4 or IPv6 address, port 1-65535)";
    }
    return std::nullopt;
}

std::optional<std::string> check_anchors(const ResolverOptions& options) {
    if (!options.m_dnssec)
        return std::nullopt;
    if (!options.m_root_trust_anchor_file.empty() && !readable(options.m_root_trust_anchor_file))
        return "root trust anchor file " + options.m_root_trust_anchor_file +
               " cannot be read (install dns-root-data, or turn resolver.dnssec off)";
    for (const auto& file : options.m_trust_anchor_files) {
        if (!readable(file))
            return "trust anchor file " + file + " cannot be read";
    }
    for (const auto& anchor : options.m_trust_anchors) {
        if (anchor.find_first_not_of(" \t") == std::string::npos)
            return "an inline trust anchor is empty";
    }
    return std::nullopt;
}

std::optional<std::string> check_mode(const ResolverOptions& options) {
    switch (options.m_mode) {
        case ResolverOptions::Mode::recursive:
            return std::nullopt;
        case ResolverOptions::Mode::forward:
            return check_servers(options.m_forwarders, "resolver.forwarders");
        case ResolverOptions::Mode::system:
            if (!readable(options.m_resolv_conf))
                return "resolver.mode system: " + options.m_resolv_conf + " cannot be read";
            return std::nullopt;
    }
    return "resolver.mode: unknown mode";
}

std::optional<std::string> check_stubs(const ResolverOptions& options) {
    for (const auto& stub : options.m_stub_zones) {
        if (!is_valid_query_name(stub.m_zone))
            return "resolver.stub_zones: \"" + stub.m_zone + "\" is not a domain name";
        if (auto error = check_servers(stub.m_servers, "resolver.stub_zones " + stub.m_zone))
            return error;
    }
    return std::nullopt;
}

std::optional<std::string> check_limits(const ResolverOptions& options) {
    if (options.m_edns_buffer_size < 512 || options.m_edns_buffer_size > 4096)
        return "resolver.edns_buffer_size: " + std::to_string(options.m_edns_buffer_size) +
               " is not within 512..4096";
    if (options.m_query_timeout < kMinQueryTimeout || options.m_query_timeout > kMaxQueryTimeout)
        return "resolver.query_timeout: must be within 100ms..1m";
    if (options.m_cache_size < kMinCacheSize)
        return "resolver.cache_size: below 1 MiB";
    return std::nullopt;
}

}  // namespace

std::optional<ServerAddress> ServerAddress::parse(std::string_view text) {
    ServerAddress server;
    const auto at = text.rfind('@');
    if (at != std::string_view::npos) {
        const auto port_text = text.substr(at + 1);
        unsigned port = 0;
        const auto [end, ec] =
            std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
        if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 ||
            port > 65535)
            return std::nullopt;
        server.m_port = static_cast<std::uint16_t>(port);
        text = text.substr(0, at);
    }
    // A zone index (fe80::1%eth0) is not something libunbound's address parser takes.
    if (text.find('%') != std::string_view::npos)
        return std::nullopt;
    auto address = IpAddress::parse(text);
    if (!address)
        return std::nullopt;
    server.m_address = *address;
    return server;
}

std::string ServerAddress::to_string() const {
    return m_address.to_string() + "@" + std::to_string(m_port);
}

std::optional<std::string> validate_options(const ResolverOptions& options) {
    if (auto error = check_mode(options))
        return error;
    if (auto error = check_stubs(options))
        return error;
    if (auto error = check_anchors(options))
        return error;
    return check_limits(options);
}

std::string_view to_string(ResolverOptions::Mode mode) noexcept {
    switch (mode) {
        case ResolverOptions::Mode::recursive:
            return "recursive";
        case ResolverOptions::Mode::forward:
            return "forward";
        case ResolverOptions::Mode::system:
            return "system";
    }
    return "?";
}

std::optional<ResolverOptions::Mode> parse_mode(std::string_view text) noexcept {
    auto equals = [text](std::string_view word) {
        if (text.size() != word.size())
            return false;
        for (std::size_t i = 0; i < word.size(); ++i) {
            char c = text[i];
            if (c >= 'A' && c <= 'Z')
                c = static_cast<char>(c - 'A' + 'a');
            if (c != word[i])
                return false;
        }
        return true;
    };
    for (auto mode : {ResolverOptions::Mode::recursive, ResolverOptions::Mode::forward,
                      ResolverOptions::Mode::system}) {
        if (equals(to_string(mode)))
            return mode;
    }
    return std::nullopt;
}

}  // namespace enma::resolver
