// enma_check_options.cpp - parsing enma-check's flags.
#include "app/enma_check_options.hpp"

#include <functional>
#include <map>
#include <string_view>

namespace enma::app {

namespace {

using Setter = std::function<void(EnmaCheckOptions&, const std::string&)>;

// valued_options - the options that take a value, by every name they answer to.
std::map<std::string_view, Setter> valued_options() {
    return {
        {"--ip",
         [](EnmaCheckOptions& o, const std::string& v) {
             o.m_ip = resolver::IpAddress::parse(v);
             if (!o.m_ip)
                 throw CheckUsageError("--ip: not an IPv4 or IPv6 address: " + v);
         }},
        {"--helo", [](EnmaCheckOptions& o, const std::string& v) { o.m_helo = v; }},
        {"--mail-from", [](EnmaCheckOptions& o, const std::string& v) { o.m_mail_from = v; }},
        {"--rcpt", [](EnmaCheckOptions& o, const std::string& v) { o.m_rcpts.push_back(v); }},
        {"--hostname", [](EnmaCheckOptions& o, const std::string& v) { o.m_hostname = v; }},
        {"-c", [](EnmaCheckOptions& o, const std::string& v) { o.m_config_file = v; }},
        {"-o",
         [](EnmaCheckOptions& o, const std::string& v) {
             if (v.find('=') == std::string::npos)
                 throw CheckUsageError("-o: expected KEY=VALUE, got: " + v);
             o.m_overrides.push_back(v);
         }},
    };
}

// flag - a switch without a value; false if `arg` is none.
bool flag(EnmaCheckOptions& options, std::string_view arg) {
    if (arg == "--json")
        options.m_json = true;
    else if (arg == "--crlf")
        options.m_folding = Folding::crlf;
    else if (arg == "--lf")
        options.m_folding = Folding::lf;
    else if (arg == "-h" || arg == "--help")
        options.m_help = true;
    else
        return false;
    return true;
}

void set_operand(EnmaCheckOptions& options, const std::string& arg) {
    if (!options.m_input.empty())
        throw CheckUsageError("more than one message file: " + options.m_input + " and " + arg);
    options.m_input = arg;
}

// take_valued - `arg` at args[i] as "--name value", "--name=value" or "-cFILE"; false if
// it is no valued option.
bool take_valued(EnmaCheckOptions& options, std::span<const std::string> args, std::size_t& i) {
    const std::string& arg = args[i];
    const bool is_long = arg.starts_with("--");
    const std::size_t equals = is_long ? arg.find('=') : std::string::npos;
    const std::string name =
        is_long ? arg.substr(0, equals) : arg.substr(0, std::min<std::size_t>(arg.size(), 2));
    const auto setters = valued_options();
    const auto found = setters.find(name);
    if (found == setters.end())
        return false;
    if (equals != std::string::npos) {
        found->second(options, arg.substr(equals + 1));
    } else if (!is_long && arg.size() > 2) {
        found->second(options, arg.substr(2));
    } else {
        if (i + 1 >= args.size())
            throw CheckUsageError(name + " needs a value");
        found->second(options, args[++i]);
    }
    return true;
}

}  // namespace

EnmaCheckOptions parse_check_options(std::span<const std::string> args) {
    EnmaCheckOptions options;
    bool operands_only = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (operands_only || arg == "-" || !arg.starts_with("-")) {
            set_operand(options, arg);
        } else if (arg == "--") {
            operands_only = true;
        } else if (!flag(options, arg) && !take_valued(options, args, i)) {
            throw CheckUsageError("unknown option: " + arg);
        }
    }
    return options;
}

std::string check_usage_text() {
    return "usage: enma-check [OPTIONS] [FILE|-]\n"
           "Verify one RFC 5322 message (FILE, or standard input) with the milter's own code\n"
           "and print the Authentication-Results header enma would add.\n"
           "\n"
           "  --ip ADDR          SMTP client address (without it: no SPF, no Sender ID)\n"
           "  --helo NAME        HELO/EHLO name\n"
           "  --mail-from ADDR   envelope sender (MAIL FROM), e.g. user@example.com or <>\n"
           "  --rcpt ADDR        envelope recipient (repeatable; reported only)\n"
           "  --hostname NAME    the MTA's name for the client (default: [ADDR])\n"
           "  --json             one JSON object: every result, reason and DNS statistics\n"
           "  --crlf, --lf       fold the header with CRLF+TAB or LF+TAB (default: LF+TAB\n"
           "                     on a terminal, CRLF+TAB otherwise)\n"
           "  -c FILE            enma.conf to read (as the daemon)\n"
           "  -o KEY=VALUE       override one setting (repeatable), e.g.\n"
           "                     -o resolver.mode=forward -o resolver.forwarders=127.0.0.1\n"
           "  -h, --help         this text\n"
           "\n"
           "Exit status: 0 evaluated, 1 unreadable input, 2 usage or configuration error.\n";
}

}  // namespace enma::app
