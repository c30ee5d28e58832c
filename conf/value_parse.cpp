// value_parse.cpp - the typed value parsers of enma.conf and their error texts.
#include "conf/value_parse.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <limits>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "conf/config_error.hpp"
#include "conf/did_you_mean.hpp"

namespace enma::conf {

namespace {

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
}

std::string to_lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), lower);
    return out;
}

// parse_unsigned - all of `text` as decimal digits; nullopt if empty, other bytes or overflow.
std::optional<std::uint64_t> parse_unsigned(std::string_view text) {
    std::uint64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || text.front() == '-' || text.front() == '+' || ec != std::errc{} ||
        ptr != end) {
        return std::nullopt;
    }
    return value;
}

// split_number - the leading digits and the rest (a unit suffix).
std::pair<std::string_view, std::string_view> split_number(std::string_view text) {
    const auto digits = std::min(text.find_first_not_of("0123456789"), text.size());
    return {text.substr(0, digits), text.substr(digits)};
}

// parse_port - 1..65535.
std::optional<std::uint16_t> parse_port(std::string_view text) {
    const auto port = parse_unsigned(text);
    if (!port || *port == 0 || *port > 65535) {
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(*port);
}

// parse_host - one IP[@port]; throws with the item quoted.
HostAddress parse_host(std::string_view item) {
    const auto at = item.find('@');
    const auto address = resolver::IpAddress::parse(item.substr(0, at));
    if (!address) {
        throw ValueError(fmt::format("'{}' is not IP[@port]", bounded(item)));
    }
    HostAddress host{*address, 53};
    if (at != std::string_view::npos) {
        const auto port = parse_port(item.substr(at + 1));
        if (!port) {
            throw ValueError(fmt::format("'{}': port must be between 1 and 65535", bounded(item)));
        }
        host.m_port = *port;
    }
    return host;
}

// is_domain_name - LDH (plus '_') labels of 1..63 bytes, at most 253 bytes in all.
bool is_domain_name(std::string_view name) {
    if (name.empty() || name.size() > 253) {
        return false;
    }
    std::size_t label = 0;
    for (const char c : name) {
        const bool ldh = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (c == '.') {
            if (label == 0) {
                return false;
            }
            label = 0;
        } else if (!ldh || ++label > 63) {
            return false;
        }
    }
    return label > 0;
}

// normalise_zone - lower case without the trailing dot; "." stays the root.
std::optional<std::string> normalise_zone(std::string_view zone) {
    if (zone == ".") {
        return std::string(".");
    }
    if (!zone.empty() && zone.back() == '.') {
        zone.remove_suffix(1);
    }
    if (!is_domain_name(zone)) {
        return std::nullopt;
    }
    return to_lower(zone);
}

}  // namespace

bool parse_bool(std::string_view text) {
    constexpr std::array<std::string_view, 4> yes{"true", "yes", "on", "1"};
    constexpr std::array<std::string_view, 4> no{"false", "no", "off", "0"};
    const auto match = [text](std::string_view word) { return iequals(text, word); };
    if (std::any_of(yes.begin(), yes.end(), match)) {
        return true;
    }
    if (std::any_of(no.begin(), no.end(), match)) {
        return false;
    }
    throw ValueError(
        fmt::format("expected true or false (also yes/no, on/off, 1/0), got '{}'", bounded(text)));
}

std::int64_t parse_integer(std::string_view text, std::int64_t min, std::int64_t max) {
    const bool negative = !text.empty() && text.front() == '-';
    const auto magnitude = parse_unsigned(negative ? text.substr(1) : text);
    constexpr auto largest = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    if (!magnitude || *magnitude > largest) {
        throw ValueError(fmt::format("expected an integer, got '{}'", bounded(text)));
    }
    const auto value =
        negative ? -static_cast<std::int64_t>(*magnitude) : static_cast<std::int64_t>(*magnitude);
    if (value < min || value > max) {
        throw ValueError(fmt::format("must be between {} and {}, got {}", min, max, value));
    }
    return value;
}

Duration parse_duration(std::string_view text, Duration min, Duration max) {
    constexpr std::array<std::pair<std::string_view, std::uint64_t>, 5> units{
        {{"", 1000}, {"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}}};
    // Not a structured binding: clang before 16 cannot capture those in the lambda.
    const auto parts = split_number(text);
    const auto suffix = parts.second;
    const auto number = parse_unsigned(parts.first);
    const auto unit = std::find_if(units.begin(), units.end(),
                                   [&](const auto& u) { return iequals(suffix, u.first); });
    constexpr std::uint64_t ceiling = 100ULL * 365 * 24 * 3'600'000;  // a century is plenty
    if (!number || unit == units.end() || *number > ceiling / unit->second) {
        throw ValueError(fmt::format("expected a duration such as 5s, 500ms, 2m or 1h, got '{}'",
                                     bounded(text)));
    }
    const Duration value{static_cast<Duration::rep>(*number * unit->second)};
    if (value < min || value > max) {
        throw ValueError(fmt::format("must be between {} and {}, got {}", render_duration(min),
                                     render_duration(max), render_duration(value)));
    }
    return value;
}

std::uint64_t parse_size(std::string_view text, std::uint64_t min, std::uint64_t max) {
    constexpr std::array<std::pair<std::string_view, std::uint64_t>, 4> units{
        {{"", 1}, {"k", 1ULL << 10}, {"m", 1ULL << 20}, {"g", 1ULL << 30}}};
    // Not a structured binding: clang before 16 cannot capture those in the lambda.
    const auto parts = split_number(text);
    const auto suffix = parts.second;
    const auto number = parse_unsigned(parts.first);
    const auto unit = std::find_if(units.begin(), units.end(),
                                   [&](const auto& u) { return iequals(suffix, u.first); });
    if (!number || unit == units.end() ||
        *number > std::numeric_limits<std::uint64_t>::max() / unit->second) {
        throw ValueError(
            fmt::format("expected a size such as 512K, 32M or 1G, got '{}'", bounded(text)));
    }
    const std::uint64_t value = *number * unit->second;
    if (value < min || value > max) {
        throw ValueError(fmt::format("must be between {} and {}, got {}", render_size(min),
                                     render_size(max), render_size(value)));
    }
    return value;
}

std::size_t parse_choice(std::string_view text, std::span<const std::string_view> names) {
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (iequals(text, names[i])) {
            return i;
        }
    }
    std::string why =
        fmt::format("expected one of {}, got '{}'", fmt::join(names, ", "), bounded(text));
    if (const auto guess = nearest(to_lower(text), names); !guess.empty()) {
        why += fmt::format("; did you mean '{}'?", guess);
    }
    throw ValueError(why);
}

std::vector<std::string_view> split_list(std::string_view text) {
    std::vector<std::string_view> items;
    constexpr std::string_view separators = ", \t";
    std::size_t start = text.find_first_not_of(separators);
    while (start != std::string_view::npos) {
        const auto end = std::min(text.find_first_of(separators, start), text.size());
        items.push_back(text.substr(start, end - start));
        start = text.find_first_not_of(separators, end);
    }
    return items;
}

std::vector<resolver::Network> parse_address_list(std::string_view text) {
    std::vector<resolver::Network> networks;
    for (const auto item : split_list(text)) {
        const auto network = resolver::Network::parse(item);
        if (!network) {
            throw ValueError(
                fmt::format("'{}' is not an IPv4 or IPv6 address or CIDR network", bounded(item)));
        }
        networks.push_back(*network);
    }
    return networks;
}

namespace {

// is_domain - LDH labels of 1..63 octets separated by dots, 253 octets at most.
bool is_domain(std::string_view name) {
    if (name.empty() || name.size() > 253)
        return false;
    std::size_t label = 0;
    for (char c : name) {
        const bool ldh = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (c == '.' ? label == 0 : !ldh)
            return false;
        label = c == '.' ? 0 : label + 1;
        if (label > 63)
            return false;
    }
    return label > 0;
}

}  // namespace

std::vector<std::string> parse_domain_list(std::string_view text) {
    std::vector<std::string> domains;
    for (const auto item : split_list(text)) {
        std::string domain(item);
        std::transform(domain.begin(), domain.end(), domain.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (!domain.empty() && domain.back() == '.')
            domain.pop_back();
        if (!is_domain(domain))
            throw ValueError(fmt::format("'{}' is not a domain name (A-labels)", bounded(item)));
        domains.push_back(std::move(domain));
    }
    return domains;
}

std::vector<HostAddress> parse_host_list(std::string_view text) {
    std::vector<HostAddress> hosts;
    for (const auto item : split_list(text)) {
        hosts.push_back(parse_host(item));
    }
    return hosts;
}

std::vector<StubZone> parse_stub_zones(std::string_view text) {
    std::vector<StubZone> zones;
    for (const auto item : split_list(text)) {
        const auto equals = item.find('=');
        if (equals == std::string_view::npos) {
            throw ValueError(fmt::format("'{}' is not zone=IP[@port]", bounded(item)));
        }
        const auto zone = normalise_zone(item.substr(0, equals));
        if (!zone) {
            throw ValueError(fmt::format("'{}': '{}' is not a domain name", bounded(item),
                                         bounded(item.substr(0, equals))));
        }
        const auto server = parse_host(item.substr(equals + 1));
        auto found = std::find_if(zones.begin(), zones.end(),
                                  [&](const StubZone& z) { return z.m_zone == *zone; });
        if (found == zones.end()) {
            found = zones.insert(zones.end(), StubZone{*zone, {}});
        }
        found->m_servers.push_back(server);
    }
    return zones;
}

std::string parse_milter_socket(std::string_view text) {
    const auto bad = [text] {
        return ValueError(fmt::format(
            "expected inet:PORT@HOST, inet6:PORT@HOST, unix:/path or local:/path, got '{}'",
            bounded(text)));
    };
    const auto colon = text.find(':');
    if (colon == std::string_view::npos) {
        throw bad();
    }
    const std::string scheme = to_lower(text.substr(0, colon));
    const auto rest = text.substr(colon + 1);
    if (scheme == "unix" || scheme == "local") {
        if (rest.size() < 2 || rest.front() != '/') {
            throw bad();
        }
    } else if (scheme == "inet" || scheme == "inet6") {
        const auto at = rest.find('@');
        const auto host = at == std::string_view::npos ? std::string_view{} : rest.substr(at + 1);
        const bool blank = host.find_first_of(" \t") != std::string_view::npos;
        if (!parse_port(rest.substr(0, at)) || (at != std::string_view::npos && host.empty()) ||
            blank) {
            throw bad();
        }
    } else {
        throw bad();
    }
    return scheme + std::string(text.substr(colon));
}

namespace {

// split_relay - HOST and PORT text of HOST[:PORT] or [IPV6][:PORT]; nullopt when malformed.
std::optional<std::pair<std::string_view, std::string_view>> split_relay(std::string_view text) {
    if (text.starts_with('[')) {
        const auto close = text.find(']');
        const auto rest = close == std::string_view::npos ? text : text.substr(close + 1);
        if (close == std::string_view::npos || (!rest.empty() && !rest.starts_with(':')))
            return std::nullopt;
        return std::pair{text.substr(1, close - 1), rest.empty() ? "25" : rest.substr(1)};
    }
    const auto colon = text.find(':');
    if (colon != text.rfind(':'))
        return std::nullopt;  // a bare IPv6 address: its port would be ambiguous
    if (colon == std::string_view::npos)
        return std::pair{text, std::string_view("25")};
    return std::pair{text.substr(0, colon), text.substr(colon + 1)};
}

}  // namespace

SmtpRelay parse_smtp_relay(std::string_view text) {
    if (text.empty())
        return {};
    const auto parts = split_relay(text);
    const auto port = parts ? parse_port(parts->second) : std::nullopt;
    const bool bracketed = text.starts_with('[');
    const auto address = parts ? resolver::IpAddress::parse(parts->first) : std::nullopt;
    const bool host_ok = bracketed ? address && address->is_v6()
                                   : parts && (address || is_domain_name(parts->first));
    if (!port || !host_ok)
        throw ValueError(fmt::format(
            "expected HOST[:PORT] (an IPv4 address, [IPv6] or a host name; port 1..65535), got "
            "'{}'",
            bounded(text)));
    return SmtpRelay{address ? address->to_string() : to_lower(parts->first), *port};
}

std::string parse_path(std::string_view text, bool allow_empty) {
    if (text.empty() && allow_empty) {
        return {};
    }
    if (text.empty() || text.front() != '/') {
        throw ValueError(fmt::format("expected an absolute path, got '{}'", bounded(text)));
    }
    return std::string(text);
}

std::string render_duration(Duration duration) {
    const auto ms = duration.count();
    if (ms != 0 && ms % 3'600'000 == 0) {
        return fmt::format("{}h", ms / 3'600'000);
    }
    if (ms != 0 && ms % 60'000 == 0) {
        return fmt::format("{}m", ms / 60'000);
    }
    if (ms % 1000 == 0) {
        return fmt::format("{}s", ms / 1000);
    }
    return fmt::format("{}ms", ms);
}

std::string render_size(std::uint64_t bytes) {
    constexpr std::array<std::pair<char, int>, 3> units{{{'G', 30}, {'M', 20}, {'K', 10}}};
    for (const auto& [suffix, shift] : units) {
        const std::uint64_t unit = 1ULL << shift;
        if (bytes != 0 && bytes % unit == 0) {
            return fmt::format("{}{}", bytes / unit, suffix);
        }
    }
    return fmt::format("{}", bytes);
}

}  // namespace enma::conf
