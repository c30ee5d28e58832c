// sidfquery_options.hpp - sidfquery's command line as a struct, checked before any DNS.
//
// ENMA's interface, `sidfquery [-s|-m|-p] [-4|-6] [-v] ADDRESS IP-OR-HOSTNAME...`, plus the
// daemon's `-c FILE` / `-o KEY=VALUE` (resolver settings), `--helo NAME` and -V. Parsed with
// getopt_long as ENMA did with getopt: short options may be bundled (`-mv`), options may
// follow the operands (glibc permutes), `--` ends them, and of -s/-m/-p and of -4/-6 the
// last one given wins.
// Everything a command line can get wrong is found here, so that main() can exit 2 with the
// UsageError's one-line message before it builds a resolver.
#pragma once

#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "resolver/ip_address.hpp"

namespace enma::app {

// QueryMode - which check runs: SPF (-s, the default), Sender ID mfrom (-m) or pra (-p).
enum class QueryMode : unsigned char { spf, sidf_mfrom, sidf_pra };

// AddressFamily - -4 / -6: which address literals are accepted and which records a
// hostname is resolved to (A, AAAA, or both).
enum class AddressFamily : unsigned char { any, v4, v6 };

// Target - one IP-OR-HOSTNAME operand: an address literal, or a host name to resolve.
struct Target {
    std::string m_text;                            // as given
    std::optional<resolver::IpAddress> m_address;  // set when m_text is an address literal
};

struct SidfqueryOptions {
    QueryMode m_mode = QueryMode::spf;
    AddressFamily m_family = AddressFamily::any;
    bool m_verbose = false;
    bool m_help = false;                   // -h / --help: print the usage and nothing else
    bool m_version = false;                // -V / --version: print the version, nothing else
    std::string m_config_file;             // -c; empty: defaults and -o only
    std::vector<std::string> m_overrides;  // -o KEY=VALUE, in command-line order
    std::string m_helo;                    // --helo; empty: the domain of ADDRESS (as ENMA)
    std::string m_address;                 // ADDRESS as given; printed back on each line
    std::string m_mailbox;                 // ADDRESS as local@domain; empty for "<>"
    std::string m_domain;                  // the domain of ADDRESS; empty for "<>"
    std::vector<Target> m_targets;
};

// UsageError - a command line that cannot run; what() is one line without the program name.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// parse_options - `args` is argv without argv[0]. Throws UsageError.
SidfqueryOptions parse_options(std::span<const std::string> args);

// usage_text - the -h text (several lines, ending in a newline).
std::string usage_text();

// to_string - "spf", "sidf/mfrom" or "sidf/pra" (verbose output).
std::string_view to_string(QueryMode mode) noexcept;

}  // namespace enma::app
