// resolver_options.hpp - how the embedded resolver (UnboundResolver) finds and checks answers.
//
// A plain struct: the config layer fills it from the resolver.* keys, validate_options()
// checks it once at start-up and names the first problem in words, and UnboundResolver maps
// it onto libunbound. Defaults are the documented ones (docs/dns.md):
//   resolver.mode              recursive          (m_mode)
//   resolver.forwarders        none               (m_forwarders, "IP[@port]", v4 or v6)
//   resolver.dnssec            on                 (m_dnssec)
//   resolver.trust_anchor_file /usr/share/dns/root.key (m_root_trust_anchor_file)
//   (no key yet)               none               (m_trust_anchor_files, m_trust_anchors:
//                                                  more anchors, for private zones and tests)
//   resolver.stub_zones        none               (m_stub_zones)
//   resolver.edns_buffer_size  1232, 512..4096    (m_edns_buffer_size)
//   resolver.query_timeout     5 s, 100ms..1m     (m_query_timeout)
//   resolver.cache_size        32 MiB, >= 1 MiB   (m_cache_size)
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "resolver/ip_address.hpp"

namespace enma::resolver {

// ServerAddress - one name server as "IP[@port]" (libunbound's own notation; port 53 if absent).
struct ServerAddress {
    IpAddress m_address;
    std::uint16_t m_port = 53;

    // parse - nullopt if the address is not IPv4/IPv6 text or the port is not 1..65535.
    static std::optional<ServerAddress> parse(std::string_view text);
    // to_string - "IP@port", the form ub_ctx_set_fwd and ub_ctx_set_stub accept.
    std::string to_string() const;
};

// StubZone - queries at or below m_zone go straight to m_servers (authoritative, no recursion).
struct StubZone {
    std::string m_zone;
    std::vector<std::string> m_servers;  // "IP[@port]"
};

struct ResolverOptions {
    enum class Mode : std::uint8_t {
        recursive,  // iterate from the root servers: no cache server needed
        forward,    // send every query to m_forwarders (recursive servers)
        system,     // the nameservers of m_resolv_conf, as forwarders
    };

    // Transport - how queries travel; only `enma -t`'s probes (app/enma/self_check.*) restrict it.
    enum class Transport : std::uint8_t { any, udp_only, tcp_only };

    static constexpr std::uint16_t kDefaultEdnsBufferSize = 1232;  // DNS flag day 2020
    static constexpr std::size_t kDefaultCacheSize = 32u << 20;

    Mode m_mode = Mode::recursive;
    std::vector<std::string> m_forwarders;
    std::string m_resolv_conf = "/etc/resolv.conf";

    bool m_dnssec = true;
    // The root's anchor (Debian dns-root-data), used in every mode while m_dnssec is on; empty
    // means none, e.g. for a private namespace whose anchors are all given below.
    std::string m_root_trust_anchor_file = "/usr/share/dns/root.key";
    std::vector<std::string> m_trust_anchor_files;  // zone-file DS/DNSKEY lines, as unbound reads
    std::vector<std::string> m_trust_anchors;       // inline, e.g. "example. DS 12345 13 2 ..."

    std::vector<StubZone> m_stub_zones;
    std::uint16_t m_edns_buffer_size = kDefaultEdnsBufferSize;
    std::chrono::milliseconds m_query_timeout{5000};
    std::size_t m_cache_size = kDefaultCacheSize;  // message + RRset caches together
    bool m_ipv6 = true;                            // also query servers over IPv6
    Transport m_transport = Transport::any;        // UDP with TCP fallback
};

// validate_options - nullopt if usable, else one sentence naming the bad value.
std::optional<std::string> validate_options(const ResolverOptions& options);

std::string_view to_string(ResolverOptions::Mode mode) noexcept;
// parse_mode - "recursive", "forward" or "system" (case-insensitive); nullopt otherwise.
std::optional<ResolverOptions::Mode> parse_mode(std::string_view text) noexcept;

}  // namespace enma::resolver
