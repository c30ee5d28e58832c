// enma_options.hpp - the daemon's command line: enma [-f] [-v] [-h] [-c FILE] [-o key=value]...
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace enma::app {

struct EnmaOptions {
    std::string m_config_file;             // -c; empty: embedded defaults only
    std::vector<std::string> m_overrides;  // -o key=value, in order
    bool m_foreground = false;             // -f: do not detach; logs also go to stderr
    bool m_verbose = false;                // -v: debug logging, effective config at start
    bool m_help = false;                   // -h: usage and every key with its default
};

// parse_enma_options - nullopt and a one-line `error` on a usage mistake.
std::optional<EnmaOptions> parse_enma_options(int argc, char** argv, std::string& error);

// enma_usage - the synopsis line and the flags.
std::string enma_usage();

}  // namespace enma::app
