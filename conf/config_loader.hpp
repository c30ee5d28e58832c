// config_loader.hpp - enma.conf and -o overrides to a validated Config.
//
// Format (docs/configuration.md): "key: value" lines split at the first ':'; key and value
// trimmed; keys case-insensitive; '#' starts a comment only as the first non-blank of a
// line (as in ENMA 1.2, so a value may contain '#'); blank lines ignored; CRLF accepted.
// Precedence: overrides > file > defaults. A key twice in the file, or twice among the
// overrides, is an error. Errors are ConfigError "FILE:LINE: KEY: WHY"; an override's
// origin is "-o" and its line the override's 1-based position on the command line.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "conf/config.hpp"

namespace enma::conf {

// default_config - every key at the default written in the key table.
Config default_config();

// parse_config_text - `text` as the content of a file called `origin`, then `overrides`
// ("key=value" each, in command-line order), then the cross-key checks.
Config parse_config_text(std::string_view text, std::string_view origin,
                         std::span<const std::string> overrides = {});

// load_config - reads `path` (an empty path means no file: defaults and overrides only)
// and parses it as parse_config_text() does. Throws ConfigError, also when unreadable.
Config load_config(const std::filesystem::path& path, std::span<const std::string> overrides = {});

}  // namespace enma::conf
