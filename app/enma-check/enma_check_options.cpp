// enma_check_options.cpp - parsing enma-check's flags.
#include "app/enma-check/enma_check_options.hpp"

#include "app/common/getopt_args.hpp"

namespace enma::app {

namespace {

// Long-only options get a code of their own (kLongOnly | a digit).
enum Code : int { ip = '1', helo, mail_from, rcpt, hostname, json, crlf, lf, seal };

constexpr option kLong[] = {{"ip", required_argument, nullptr, kLongOnly | ip},
                            {"helo", required_argument, nullptr, kLongOnly | helo},
                            {"mail-from", required_argument, nullptr, kLongOnly | mail_from},
                            {"rcpt", required_argument, nullptr, kLongOnly | rcpt},
                            {"hostname", required_argument, nullptr, kLongOnly | hostname},
                            {"json", no_argument, nullptr, kLongOnly | json},
                            {"seal", no_argument, nullptr, kLongOnly | seal},
                            {"crlf", no_argument, nullptr, kLongOnly | crlf},
                            {"lf", no_argument, nullptr, kLongOnly | lf},
                            {"help", no_argument, nullptr, kLongOnly | 'h'},
                            {"version", no_argument, nullptr, kLongOnly | 'V'},
                            {nullptr, 0, nullptr, 0}};

std::string value_name(int code) {
    switch (code & 0xff) {
        case 'c':
            return "FILE";
        case 'o':
            return "KEY=VALUE";
        case helo:
        case hostname:
            return "NAME";
    }
    return "ADDR";
}

void set_operand(EnmaCheckOptions& options, const std::string& arg) {
    if (!options.m_input.empty())
        throw CheckUsageError("more than one message file: " + options.m_input + " and " + arg);
    options.m_input = arg;
}

void set_value(int code, const std::string& v, const std::string& name, EnmaCheckOptions& o) {
    switch (code) {
        case ip:
            o.m_ip = resolver::IpAddress::parse(v);
            if (!o.m_ip)
                throw CheckUsageError(name + ": not an IPv4 or IPv6 address: " + v);
            break;
        case helo:
            o.m_helo = v;
            break;
        case mail_from:
            o.m_mail_from = v;
            break;
        case rcpt:
            o.m_rcpts.push_back(v);
            break;
        case hostname:
            o.m_hostname = v;
            break;
        case 'c':
            o.m_config_file = v;
            break;
        default:
            if (v.find('=') == std::string::npos || v.front() == '=')
                throw CheckUsageError(name + " expects KEY=VALUE, got \"" + v + "\"");
            o.m_overrides.push_back(v);
    }
}

void apply(int code, const std::string& value, const std::string& name, EnmaCheckOptions& o) {
    switch (code) {
        case 0:
            return set_operand(o, value);
        case json:
            o.m_json = true;
            return;
        case seal:
            o.m_seal = true;
            return;
        case crlf:
            o.m_folding = Folding::crlf;
            return;
        case lf:
            o.m_folding = Folding::lf;
            return;
        case 'h':
            o.m_help = true;
            return;
        case 'V':
            o.m_version = true;
            return;
    }
    set_value(code, value, name, o);
}

}  // namespace

EnmaCheckOptions parse_check_options(std::span<const std::string> args) {
    EnmaCheckOptions options;
    const OptionSpec spec{":hVc:o:", kLong, value_name};
    const auto error = parse_with_getopt(
        "enma-check", args, spec, [&](int code, const std::string& value, const std::string& name) {
            apply(code, value, name, options);
        });
    if (!error.empty())
        throw CheckUsageError(error);
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
           "  --seal             also print the ARC set (ARC-Seal, ARC-Message-Signature,\n"
           "                     ARC-Authentication-Results) enma would add; needs\n"
           "                     arc.seal_key_file, arc.seal_selector and arc.seal_domain\n"
           "  --crlf, --lf       fold the header with CRLF+TAB or LF+TAB (default: LF+TAB\n"
           "                     on a terminal, CRLF+TAB otherwise)\n"
           "  -c FILE            enma.conf to read (as the daemon)\n"
           "  -o KEY=VALUE       override one setting (repeatable), e.g.\n"
           "                     -o resolver.mode=forward -o resolver.forwarders=127.0.0.1\n"
           "  -V, --version      print the version and exit\n"
           "  -h, --help         this text\n"
           "\n"
           "Exit status: 0 evaluated, 1 unreadable input, 2 usage or configuration error.\n";
}

}  // namespace enma::app
