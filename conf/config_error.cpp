// config_error.cpp - ConfigError message layout and bounded text.
#include "conf/config_error.hpp"

#include <fmt/format.h>

namespace enma::conf {

namespace {

// compose - "origin:line: key: why" with the empty parts left out.
std::string compose(const std::string& origin, std::size_t line, const std::string& key,
                    const std::string& why) {
    std::string text = origin;
    if (line > 0) {
        text += fmt::format(":{}", line);
    }
    if (!key.empty()) {
        text += text.empty() ? key : ": " + key;
    }
    text += text.empty() ? why : ": " + why;
    return text;
}

}  // namespace

ConfigError::ConfigError(std::string origin, std::size_t line, std::string key, std::string why)
    : std::runtime_error(compose(origin, line, key, why)),
      m_origin(std::move(origin)),
      m_line(line),
      m_key(std::move(key)),
      m_why(std::move(why)) {}

std::string bounded(std::string_view text) {
    constexpr std::size_t limit = 64;
    std::string out;
    for (std::size_t i = 0; i < text.size() && i < limit; ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte < 0x20 || byte >= 0x7f) {
            out += fmt::format("\\x{:02x}", byte);
        } else {
            out += static_cast<char>(byte);
        }
    }
    if (text.size() > limit) {
        out += "...";
    }
    return out;
}

}  // namespace enma::conf
