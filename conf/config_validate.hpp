// config_validate.hpp - rules that involve more than one key, checked after all sources.
//
// A single key is checked by its parser; a combination (log.target file without log.file,
// forward mode without forwarders) can only be judged once the file and every -o override
// have been applied. The error names the key the user set, at the place it was set.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>

#include "conf/config.hpp"

namespace enma::conf {

// Location - where a key got its value: file and line, "-o" and position, or "default".
struct Location {
    std::string m_origin;
    std::size_t m_line = 0;
};

// Provenance - the Location of every key that was set; keys absent kept their default.
using Provenance = std::map<std::string, Location, std::less<>>;

// validate_config - throws ConfigError when the keys contradict each other.
void validate_config(const Config& config, const Provenance& provenance);

}  // namespace enma::conf
