// config_error.hpp - the one exception of the conf layer: a setting that stops start-up.
//
// what() is "ORIGIN:LINE: KEY: WHY". ORIGIN is the file name, "-o" for a command-line
// override (LINE is then the override's 1-based position) or "default"; LINE 0 is left out,
// and so is an empty KEY. Untrusted text inside WHY has already been bounded by bounded().
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace enma::conf {

class ConfigError : public std::runtime_error {
public:
    ConfigError(std::string origin, std::size_t line, std::string key, std::string why);

    const std::string& origin() const noexcept { return m_origin; }
    std::size_t line() const noexcept { return m_line; }
    const std::string& key() const noexcept { return m_key; }
    const std::string& why() const noexcept { return m_why; }

private:
    std::string m_origin;
    std::size_t m_line;
    std::string m_key;
    std::string m_why;
};

// bounded - untrusted text made safe for one log line: at most 64 characters (then "..."),
// with control and non-ASCII bytes shown as \xNN.
std::string bounded(std::string_view text);

}  // namespace enma::conf
