// sidfquery_options.cpp - sidfquery's options through getopt_long, and the operand checks.
#include "app/sidfquery/sidfquery_options.hpp"

#include <algorithm>
#include <cctype>

#include "app/common/getopt_args.hpp"
#include "resolver/resolver.hpp"
#include "verify/sidf/pra.hpp"

namespace enma::app {

namespace {

// quoted - `text` in double quotes, for messages about an operand.
std::string quoted(std::string_view text) {
    return "\"" + std::string(text) + "\"";
}

// is_label - letters, digits, '-' and '_', not starting or ending with '-' (RFC 952/1123,
// with the '_' that SRV-style names use).
bool is_label(std::string_view label) {
    const bool allowed = std::all_of(label.begin(), label.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
    return allowed && !label.empty() && label.front() != '-' && label.back() != '-';
}

// is_host_name - labels as above within DNS lengths, and a last label that is not all digits
// (so that "192.0.2.999" is a bad address, not a name to look up).
bool is_host_name(std::string_view text) {
    if (!resolver::is_valid_query_name(text))
        return false;
    if (text.ends_with('.'))
        text.remove_suffix(1);
    std::string_view label;
    for (std::string_view rest = text; !rest.empty();) {
        const std::size_t dot = rest.find('.');
        label = rest.substr(0, dot);
        if (!is_label(label))
            return false;
        rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
    }
    return !std::all_of(label.begin(), label.end(),
                        [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// check_family - a literal of the family that -4 / -6 excluded is a usage error.
void check_family(const resolver::IpAddress& address, std::string_view text, AddressFamily family) {
    if (family == AddressFamily::v4 && address.is_v6())
        throw UsageError("-4 was given, but " + quoted(text) + " is an IPv6 address");
    if (family == AddressFamily::v6 && address.is_v4())
        throw UsageError("-6 was given, but " + quoted(text) + " is an IPv4 address");
}

Target make_target(const std::string& text, AddressFamily family) {
    if (auto address = resolver::IpAddress::parse(text)) {
        check_family(*address, text, family);
        return Target{text, address};
    }
    if (!is_host_name(text))
        throw UsageError(quoted(text) + " is neither an IP address nor a host name");
    return Target{text, std::nullopt};
}

// envelope_sender - a MAIL FROM value that is no RFC 5322 mailbox but that SPF must still
// evaluate as the milter gets it from an MTA (`@example.net`, `foo@[1.2.3.5]`, `a b@x`,
// `a@x.`, `a@A...x`): one '@', optional <>, no list. check_host() then gives what RFC 7208
// section 4.3 says (postmaster for an empty local-part, none for a malformed domain).
std::optional<std::string> envelope_sender(std::string_view text) {
    if (text.size() >= 2 && text.front() == '<' && text.back() == '>')
        text = text.substr(1, text.size() - 2);
    const bool one_at = std::count(text.begin(), text.end(), '@') == 1;
    if (!one_at || text.find_first_of(",<>\r\n") != std::string_view::npos)
        return std::nullopt;
    return std::string(text);
}

// set_address - ADDRESS: a mailbox, or "<>" (the null reverse-path, SPF and mfrom only).
void set_address(const std::string& text, SidfqueryOptions& options) {
    options.m_address = text;
    if (text == "<>") {
        if (options.m_mode == QueryMode::sidf_pra)
            throw UsageError("-p needs a mailbox: the null reverse-path <> has no PRA");
        if (options.m_helo.empty())
            throw UsageError("ADDRESS <> (the null reverse-path) needs --helo NAME");
        return;
    }
    if (const auto mailbox = sidf::parse_single_mailbox(text)) {
        options.m_mailbox = mailbox->to_string();
        options.m_domain = mailbox->m_domain;
    } else if (auto path = envelope_sender(text); path && options.m_mode != QueryMode::sidf_pra) {
        options.m_mailbox = std::move(*path);
        options.m_domain = options.m_mailbox.substr(options.m_mailbox.rfind('@') + 1);
    } else {
        throw UsageError("ADDRESS " + quoted(text) + " is not a mailbox (local-part@domain)");
    }
    if (options.m_helo.empty())
        options.m_helo = options.m_domain;  // what ENMA's sidfquery does
}

void set_operands(const std::vector<std::string>& operands, SidfqueryOptions& options) {
    if (operands.empty())
        throw UsageError("missing ADDRESS and IP-OR-HOSTNAME");
    if (operands.size() == 1)
        throw UsageError("missing IP-OR-HOSTNAME after " + quoted(operands.front()));
    set_address(operands.front(), options);
    for (std::size_t i = 1; i < operands.size(); ++i)
        options.m_targets.push_back(make_target(operands[i], options.m_family));
}

constexpr option kLong[] = {{"helo", required_argument, nullptr, kLongOnly | 'H'},
                            {"help", no_argument, nullptr, kLongOnly | 'h'},
                            {"version", no_argument, nullptr, kLongOnly | 'V'},
                            {nullptr, 0, nullptr, 0}};

std::string value_name(int code) {
    switch (code & 0xff) {
        case 'c':
            return "FILE";
        case 'o':
            return "KEY=VALUE";
    }
    return "NAME";
}

void flag(int letter, SidfqueryOptions& options) {
    switch (letter) {
        case 's':
            options.m_mode = QueryMode::spf;
            break;
        case 'm':
            options.m_mode = QueryMode::sidf_mfrom;
            break;
        case 'p':
            options.m_mode = QueryMode::sidf_pra;
            break;
        case '4':
            options.m_family = AddressFamily::v4;
            break;
        case '6':
            options.m_family = AddressFamily::v6;
            break;
        case 'v':
            options.m_verbose = true;
            break;
        case 'V':
            options.m_version = true;
            break;
        default:
            options.m_help = true;
    }
}

// valued - -c, -o and --helo; an empty value is as good as none.
void valued(int letter, const std::string& value, const std::string& name,
            SidfqueryOptions& options) {
    if (value.empty())
        throw UsageError(needs(name, value_name(letter)));
    if (letter == 'c') {
        options.m_config_file = value;
    } else if (letter == 'H') {
        options.m_helo = value;
    } else {
        if (value.find('=') == std::string::npos || value.front() == '=')
            throw UsageError(name + " expects KEY=VALUE, got " + quoted(value));
        options.m_overrides.push_back(value);
    }
}

}  // namespace

SidfqueryOptions parse_options(std::span<const std::string> args) {
    SidfqueryOptions options;
    std::vector<std::string> operands;
    const OptionSpec spec{":smp46vhVc:o:", kLong, value_name};
    const auto error = parse_with_getopt(
        "sidfquery", args, spec, [&](int code, const std::string& value, const std::string& name) {
            if (code == 0)
                operands.push_back(value);
            else if (code == 'c' || code == 'o' || code == 'H')
                valued(code, value, name, options);
            else
                flag(code, options);
        });
    if (!error.empty())
        throw UsageError(error);
    if (!options.m_help && !options.m_version)
        set_operands(operands, options);
    return options;
}

std::string usage_text() {
    return "Usage: sidfquery [-s|-m|-p] [-4|-6] [-v] [-c FILE] [-o KEY=VALUE]... [--helo NAME]\n"
           "                 ADDRESS IP-OR-HOSTNAME...\n"
           "\n"
           "Checks whether each IP address may send mail for ADDRESS and prints one line\n"
           "\"ADDRESS IP RESULT\" per address (fail is printed \"hardfail\", as ENMA did).\n"
           "A host name is resolved to all its A and AAAA addresses.\n"
           "\n"
           "evaluation mode:\n"
           "  -s            SPF, RFC 7208 (default)\n"
           "  -m            Sender ID, mfrom scope (RFC 4406)\n"
           "  -p            Sender ID, pra scope: ADDRESS is the PRA (RFC 4407)\n"
           "handling of IP-OR-HOSTNAME:\n"
           "  -4            IPv4 only (a host name is resolved to its A records)\n"
           "  -6            IPv6 only (a host name is resolved to its AAAA records)\n"
           "other options:\n"
           "  -v            verbose: every DNS lookup and the matched term, on stderr\n"
           "  -c FILE       read resolver settings from an enma.conf\n"
           "  -o KEY=VALUE  override one setting, e.g. -o resolver.mode=system\n"
           "  --helo NAME   the HELO name (default: the domain of ADDRESS); with ADDRESS <>\n"
           "                (the null reverse-path) postmaster@NAME is checked\n"
           "  -V, --version print the version and exit\n"
           "  -h, --help    this text\n"
           "\n"
           "Exit status: 0 evaluated (whatever the results), 1 a host name could not be\n"
           "resolved, 2 usage or configuration error.\n";
}

std::string_view to_string(QueryMode mode) noexcept {
    switch (mode) {
        case QueryMode::spf:
            return "spf";
        case QueryMode::sidf_mfrom:
            return "sidf/mfrom";
        case QueryMode::sidf_pra:
            return "sidf/pra";
    }
    return "?";
}

}  // namespace enma::app
