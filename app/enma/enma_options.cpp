// enma_options.cpp - getopt_long over the daemon's flags.
#include "app/enma/enma_options.hpp"

#include <unistd.h>

#include <stdexcept>
#include <vector>

#include "app/common/getopt_args.hpp"

namespace enma::app {

namespace {

constexpr option kLong[] = {{"foreground", no_argument, nullptr, kLongOnly | 'f'},
                            {"verbose", no_argument, nullptr, kLongOnly | 'v'},
                            {"help", no_argument, nullptr, kLongOnly | 'h'},
                            {"version", no_argument, nullptr, kLongOnly | 'V'},
                            {"test", no_argument, nullptr, kLongOnly | 't'},
                            {"config", required_argument, nullptr, kLongOnly | 'c'},
                            {"set", required_argument, nullptr, kLongOnly | 'o'},
                            {nullptr, 0, nullptr, 0}};

struct EnmaUsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

void apply(int code, const std::string& value, const std::string& name, EnmaOptions& options) {
    switch (code) {
        case 'f':
            options.m_foreground = true;
            break;
        case 'v':
            options.m_verbose = true;
            break;
        case 'h':
            options.m_help = true;
            break;
        case 'V':
            options.m_version = true;
            break;
        case 't':
            options.m_test = true;
            break;
        case 'c':
            if (value.empty())
                throw EnmaUsageError(name + " needs a FILE");
            options.m_config_file = value;
            break;
        case 'o':
            if (value.find('=') == std::string::npos || value.front() == '=')
                throw EnmaUsageError(name + " expects KEY=VALUE, got \"" + value + "\"");
            options.m_overrides.push_back(value);
            break;
        default:
            throw EnmaUsageError("unexpected argument \"" + value + "\"");
    }
}

}  // namespace

std::optional<EnmaOptions> parse_enma_options(int argc, char** argv, std::string& error) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    const OptionSpec spec{":fvhtVc:o:", kLong,
                          [](int code) { return (code & 0xff) == 'c' ? "FILE" : "KEY=VALUE"; }};
    EnmaOptions options;
    try {
        error = parse_with_getopt("enma", args, spec,
                                  [&](int code, const std::string& value, const std::string& name) {
                                      apply(code, value, name, options);
                                  });
    } catch (const EnmaUsageError& e) {
        error = e.what();
    }
    if (!error.empty())
        return std::nullopt;
    return options;
}

std::string enma_usage() {
    return "usage: enma [-fvhtV] [-c FILE] [-o KEY=VALUE]...\n"
           "  -c, --config FILE     read FILE (default: /etc/enma/enma.conf if it exists)\n"
           "  -o, --set KEY=VALUE   set one key; overrides the file (repeatable)\n"
           "  -f, --foreground      stay in the foreground; log records also go to stderr\n"
           "  -v, --verbose         debug logging and the effective configuration at start\n"
           "  -t, --test            check the configuration and the DNS path, then exit\n"
           "  -V, --version         print the version and exit\n"
           "  -h, --help            this help and every configuration key with its default\n";
}

std::string config_file_to_read(const EnmaOptions& options) {
    if (!options.m_config_file.empty())
        return options.m_config_file;
    return access(kDefaultConfigFile, F_OK) == 0 ? kDefaultConfigFile : "";
}

}  // namespace enma::app
