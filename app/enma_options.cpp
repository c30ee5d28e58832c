// enma_options.cpp - getopt-free parsing (the tests call it repeatedly; getopt has state).
#include "app/enma_options.hpp"

#include <string_view>

namespace enma::app {

std::optional<EnmaOptions> parse_enma_options(int argc, char** argv, std::string& error) {
    EnmaOptions options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        auto value = [&](const char* flag) -> std::optional<std::string> {
            if (i + 1 >= argc) {
                error = std::string("option ") + flag + " needs an argument";
                return std::nullopt;
            }
            return std::string(argv[++i]);
        };
        if (arg == "-f") {
            options.m_foreground = true;
        } else if (arg == "-v") {
            options.m_verbose = true;
        } else if (arg == "-h" || arg == "--help") {
            options.m_help = true;
        } else if (arg == "-c") {
            auto file = value("-c");
            if (!file)
                return std::nullopt;
            options.m_config_file = *file;
        } else if (arg == "-o") {
            auto setting = value("-o");
            if (!setting)
                return std::nullopt;
            if (setting->find('=') == std::string::npos) {
                error = "-o expects key=value, got '" + *setting + "'";
                return std::nullopt;
            }
            options.m_overrides.push_back(*setting);
        } else {
            error = "unknown argument '" + std::string(arg) + "'";
            return std::nullopt;
        }
    }
    return options;
}

std::string enma_usage() {
    return "usage: enma [-f] [-v] [-h] [-c FILE] [-o key=value]...\n"
           "  -c FILE       read the configuration file FILE (default: embedded defaults)\n"
           "  -o key=value  set one key; overrides the file (repeatable)\n"
           "  -f            stay in the foreground; log records also go to stderr\n"
           "  -v            verbose: debug logging and the effective configuration at start\n"
           "  -h            this help and every configuration key with its default\n";
}

}  // namespace enma::app
