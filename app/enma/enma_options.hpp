// enma_options.hpp - the daemon's command line:
//   enma [-fvtVh] [-c FILE] [-o KEY=VALUE]...
// Parsed with getopt_long: flags combine (`-fv`), values attach (`-cFILE`), long forms exist
// (--config, --set, --foreground, --verbose, --test, --version, --help).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace enma::app {

// kDefaultConfigFile - read when -c is not given and the file exists.
inline constexpr const char* kDefaultConfigFile = "/etc/enma/enma.conf";

struct EnmaOptions {
    std::string m_config_file;             // -c; empty: kDefaultConfigFile if it exists
    std::vector<std::string> m_overrides;  // -o key=value, in order
    bool m_foreground = false;             // -f: do not detach; logs also go to stderr
    bool m_verbose = false;                // -v: debug logging, effective config at start
    bool m_help = false;                   // -h: usage and every key with its default
    bool m_version = false;                // -V: the version and nothing else
    bool m_test = false;                   // -t: check the configuration and the DNS path
};

// parse_enma_options - nullopt and a one-line `error` on a usage mistake, worded as
// sidfquery and enma-check word theirs (getopt_args.hpp).
std::optional<EnmaOptions> parse_enma_options(int argc, char** argv, std::string& error);

// enma_usage - the synopsis line and the flags.
std::string enma_usage();

// config_file_to_read - -c if given, else kDefaultConfigFile if it exists, else empty.
std::string config_file_to_read(const EnmaOptions& options);

}  // namespace enma::app
