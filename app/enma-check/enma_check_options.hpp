// enma_check_options.hpp - enma-check's command line as a struct, checked before any DNS.
//
//   enma-check [--ip ADDR] [--helo NAME] [--mail-from ADDR] [--rcpt ADDR]... [--hostname NAME]
//              [--json] [--seal] [--crlf|--lf] [-c FILE] [-o KEY=VALUE]... [-hV] [FILE|-]
//
// Parsed with getopt_long (getopt_args.hpp): long options take their value as the next
// argument or after '=', short ones attached or next; `--` ends the options; options may
// follow the operand. Everything a command line can get wrong is found here, so
// that main() can exit 2 with the CheckUsageError's one-line message before it builds a
// resolver.
#pragma once

#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "resolver/ip_address.hpp"

namespace enma::app {

// Folding - the line break before each resinfo of the printed header.
enum class Folding : unsigned char { automatic, crlf, lf };

struct EnmaCheckOptions {
    std::optional<resolver::IpAddress> m_ip;  // --ip; without it SPF and Sender ID are skipped
    std::string m_helo;                       // --helo
    std::string m_mail_from;                  // --mail-from, as the MTA gives it ("<>" ok)
    std::vector<std::string> m_rcpts;         // --rcpt, in order (reported, not verified)
    std::string m_hostname;                   // --hostname; empty: "[ip]" as an MTA says
    bool m_json = false;                      // --json
    bool m_seal = false;                      // --seal: also the ARC set enma would add
    Folding m_folding = Folding::automatic;   // --crlf / --lf
    bool m_help = false;                      // -h / --help
    bool m_version = false;                   // -V / --version
    std::string m_config_file;                // -c; empty: defaults and -o only
    std::vector<std::string> m_overrides;     // -o KEY=VALUE, in command-line order
    std::string m_input;                      // FILE; empty or "-": standard input
};

// CheckUsageError - a command line that cannot run; what() is one line without the program.
class CheckUsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// parse_check_options - `args` is argv without argv[0]. Throws CheckUsageError.
EnmaCheckOptions parse_check_options(std::span<const std::string> args);

// check_usage_text - the -h text (several lines, ending in a newline).
std::string check_usage_text();

}  // namespace enma::app
